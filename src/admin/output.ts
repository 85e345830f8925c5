import type { GroupNotices } from '../domain/group-notices.ts';
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
  // Shown when they differ from the defaults (pickable, notices on), as the legacy fields are.
  const ours = `${p.neverPickable ? '\tnever pickable=yes' : ''}${p.pickupNotices ? '' : '\tpickup notices=no'}`;
  return `${user}\tbehaviour=${behaviourOf(p)}\tcall groups=${list(p.callGroups)}\tpickup groups=${list(p.pickupGroups)}${legacy}${queues}${ours}`;
}

function notConfiguredLine(user: string): string {
  return `${user}\tnot configured\tthe default: behaviour=legacy, no groups, no ACL group, no group pickup right, no pickup queue: picks up nothing, and calls ringing it can be picked up only through a queue`;
}

/** Prints a call group's notices: `Sales@pbx.test<TAB>notices=…`, or with `json` one object. */
export function printNotices(io: CliIo, { group, domain, notices }: { group: string; domain: string; notices: GroupNotices }, json: boolean): void {
  const seconds = notices.mode === 'message' ? notices.afterSeconds : undefined;
  if (json) {
    io.out(JSON.stringify({ group, domain, notify: notices.mode, notifyAfterSeconds: seconds ?? null }));
    return;
  }
  const described = { off: 'off (no lamp, no message)', lamp: 'lamp (no message)', message: `lamp and message after ${seconds} s` }[notices.mode];
  io.out(`${group}@${domain}\tnotices=${described}`);
}
