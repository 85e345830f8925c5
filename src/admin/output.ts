import { behaviourOf, type UserPreferences } from '../domain/preferences.ts';
import type { CliIo } from './cli.ts';

/** One user as pickupctl prints it. */
export interface UserRow {
  /** "extension@domain". */
  readonly user: string;
  readonly preferences: UserPreferences;
  /** Given by `show` only: false for a user never configured (or cleared), who has the defaults. */
  readonly configured?: boolean;
}

/**
 * Prints users: one line each, tab-separated `name=value` fields (group names exactly as stored: they are
 * case-sensitive), or with `json` one JSON array.
 */
export function printRows(io: CliIo, rows: readonly UserRow[], json: boolean): void {
  if (json) {
    io.out(JSON.stringify(rows.map(({ user, preferences, configured }) => ({ user, ...(configured === undefined ? {} : { configured }), ...preferences, behaviour: behaviourOf(preferences) }))));
    return;
  }
  for (const row of rows) io.out(row.configured === false ? notConfiguredLine(row.user) : rowLine(row));
}

/** Refuses a batch: how many problems, then each on its own line (the same text once only). */
export function printProblems(io: CliIo, lines: readonly string[]): void {
  const unique = [...new Set(lines)];
  io.err(`nothing written: ${unique.length} problem${unique.length === 1 ? '' : 's'}`);
  for (const line of unique) io.err(`  ${line}`);
}

function rowLine({ user, preferences: p }: UserRow): string {
  const list = (values: readonly string[]): string => values.join(',') || '-';
  const legacy = p.aclGroups.length > 0 || p.groupPickup ? `\tACL groups=${list(p.aclGroups)}\tgroup pickup=${p.groupPickup ? 'yes' : 'no'}` : '';
  const queues = p.pickupQueues.length > 0 ? `\tpickup queues=${list(p.pickupQueues)}` : '';
  return `${user}\tbehaviour=${behaviourOf(p)}\tcall groups=${list(p.callGroups)}\tpickup groups=${list(p.pickupGroups)}${legacy}${queues}`;
}

function notConfiguredLine(user: string): string {
  return `${user}\tnot configured\tthe default: behaviour=legacy, no groups, no ACL group, no group pickup right, no pickup queue: picks up nothing, and calls ringing it can be picked up only through a queue`;
}
