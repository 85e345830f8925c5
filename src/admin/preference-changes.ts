import type { UserPreferences } from '../domain/preferences.ts';
import { formatUserRef, type UserRef } from '../domain/users.ts';
import { type InputProblem, type UserInput, validateUserInput } from '../domain/user-input.ts';

/** One requested change as an admin typed it: a user reference and the fields to set (omitted = unchanged). */
export interface RawPreferenceChange extends UserInput {
  /** The line of the import file it came from, for error messages. */
  readonly line?: number;
}

/** A change that passed validation, merged over the user's current preferences. */
export interface ValidatedChange {
  readonly user: UserRef;
  readonly preferences: UserPreferences;
}

/** A change that did not pass, with every problem in it (each names the offending entry and rule). */
export interface RejectedChange {
  readonly change: RawPreferenceChange;
  readonly problems: readonly InputProblem[];
}

/**
 * Validates a batch of changes, all or nothing: either every change is valid (and merged over `current`) or the
 * result lists every rejected one with every problem, so an admin can fix them all in one go. Pure.
 */
export function validateChanges(
  changes: readonly RawPreferenceChange[],
  current: (user: UserRef) => UserPreferences,
): { ok: true; changes: ValidatedChange[] } | { ok: false; rejected: RejectedChange[] } {
  const validated: ValidatedChange[] = [];
  const rejected: RejectedChange[] = [];
  // A user named twice in one batch: later changes apply over earlier ones.
  const seen = new Map<string, UserPreferences>();
  for (const change of changes) {
    const result = validateUserInput(change, (user) => seen.get(formatUserRef(user)) ?? current(user));
    if (!result.ok) {
      rejected.push({ change, problems: result.problems });
      continue;
    }
    seen.set(formatUserRef(result.user), result.preferences);
    validated.push({ user: result.user, preferences: result.preferences });
  }
  return rejected.length > 0 ? { ok: false, rejected } : { ok: true, changes: validated };
}
