import type { UserPreferences } from './preferences.ts';
import { type InputProblem, type UserInput, validateUserInput } from './user-input.ts';
import { formatUserRef, parseUserRef, type UserRef } from './users.ts';

/** A change that passed validation, merged over the user's current preferences. */
export interface ValidatedChange {
  readonly user: UserRef;
  readonly preferences: UserPreferences;
}

/** A change that did not pass, with every problem in it (each names the offending entry and rule). */
export interface RejectedChange<C extends UserInput> {
  readonly change: C;
  /** Where the change is in the batch (0-based). */
  readonly index: number;
  readonly problems: readonly InputProblem[];
}

/**
 * Validates a batch of changes to users (pickupctl set/import, the admin API), all or nothing: either every change
 * is valid (and merged over `current`) or the result lists every rejected one with every problem, so an admin can
 * fix them all in one go. A user named twice: the later change applies over the earlier one. Pure.
 */
export function validateUserChanges<C extends UserInput>(
  changes: readonly C[],
  current: (user: UserRef) => UserPreferences,
): { ok: true; changes: ValidatedChange[] } | { ok: false; rejected: Array<RejectedChange<C>> } {
  const validated: ValidatedChange[] = [];
  const rejected: Array<RejectedChange<C>> = [];
  const seen = new Map<string, UserPreferences>();
  for (const [index, change] of changes.entries()) {
    const result = validateUserInput(change, (user) => seen.get(formatUserRef(user)) ?? current(user));
    if (!result.ok) {
      rejected.push({ change, index, problems: result.problems });
      continue;
    }
    seen.set(formatUserRef(result.user), result.preferences);
    validated.push({ user: result.user, preferences: result.preferences });
  }
  return rejected.length > 0 ? { ok: false, rejected } : { ok: true, changes: validated };
}

/** The well-formed users a batch names: whose current preferences to read before validating it. */
export function usersNamed(changes: readonly UserInput[]): UserRef[] {
  return changes.flatMap((change) => {
    const ref = parseUserRef(change.user);
    return ref.ok ? [ref.user] : [];
  });
}
