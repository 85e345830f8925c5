import type { FsPickupError } from '../domain/errors.ts';
import { buildPreferences, type PreferencesInput, type UserPreferences } from '../domain/preferences.ts';
import { parseUserRef, type UserRef } from '../domain/users.ts';

/** One requested change as an admin typed it: a user reference and the fields to set (omitted = unchanged). */
export interface RawPreferenceChange extends PreferencesInput {
  readonly user: string;
  /** Where it came from, for error messages (e.g. "line 3"). */
  readonly source?: string;
}

/** A change that passed validation, merged over the user's current preferences. */
export interface ValidatedChange {
  readonly user: UserRef;
  readonly preferences: UserPreferences;
}

/** A change that did not pass, with the error naming the offending entry and rule. */
export interface RejectedChange {
  readonly change: RawPreferenceChange;
  readonly error: FsPickupError;
}

/**
 * Validates a batch of changes, all or nothing: either every change is valid (and merged over `current`) or the
 * result lists every rejected one, so an admin can fix them all in one go. Pure.
 */
export function validateChanges(
  changes: readonly RawPreferenceChange[],
  current: (user: UserRef) => UserPreferences,
): { ok: true; changes: ValidatedChange[] } | { ok: false; rejected: RejectedChange[] } {
  const validated: ValidatedChange[] = [];
  const rejected: RejectedChange[] = [];
  const seen = new Map<string, UserPreferences>();
  for (const change of changes) {
    const ref = parseUserRef(change.user);
    if (!ref.ok) {
      rejected.push({ change, error: ref.error });
      continue;
    }
    const key = `${ref.user.extension}@${ref.user.domain}`;
    // A user named twice in one batch: later changes apply over earlier ones.
    const built = buildPreferences(change, seen.get(key) ?? current(ref.user));
    if (!built.ok) {
      rejected.push({ change, error: built.error });
      continue;
    }
    seen.set(key, built.preferences);
    validated.push({ user: ref.user, preferences: built.preferences });
  }
  return rejected.length > 0 ? { ok: false, rejected } : { ok: true, changes: validated };
}

/**
 * Reads an import file: one user per line, `extension@domain;call groups;pickup groups` and optionally
 * `;ACL groups;group pickup (yes/no);pickup queues` (lists are comma-separated, so columns are separated by ";").
 * Blank lines and lines starting with "#" are skipped; an empty column clears that field. Pure.
 */
export function parseImportFile(text: string): RawPreferenceChange[] | { error: string } {
  const changes: RawPreferenceChange[] = [];
  const lines = text.split(/\r?\n/);
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const columns = line.split(';');
    if (columns.length !== 3 && columns.length !== 6) {
      return { error: `line ${index + 1}: expected "extension@domain;call groups;pickup groups" (3 columns separated by ";") or 6 with ";ACL groups;group pickup;pickup queues", found ${columns.length}` };
    }
    const [user, callGroups, pickupGroups, aclGroups, groupPickup, pickupQueues] = columns as [string, string, string, string?, string?, string?];
    const legacy = columns.length === 6 ? { aclGroups, groupPickup: groupPickup?.trim() === '' ? 'no' : groupPickup, pickupQueues } : {};
    changes.push({ user: user.trim(), callGroups, pickupGroups, ...legacy, source: `line ${index + 1}` });
  }
  return changes;
}
