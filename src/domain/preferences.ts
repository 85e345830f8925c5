import type { InvalidGroupListError, InvalidGroupNameError } from './errors.ts';
import { parseGroupField } from './groups.ts';

/** A user's group settings: the groups they belong to and the groups whose calls they may pick up. */
export interface UserPreferences {
  readonly callGroups: readonly string[];
  readonly pickupGroups: readonly string[];
}

/** How a user takes part in pickup: by call/pickup groups, or the legacy ACL-group pickup. */
export type Behaviour = 'groups' | 'legacy';

/** A user with no groups at all (legacy behaviour). */
export const EMPTY_PREFERENCES: UserPreferences = Object.freeze({
  callGroups: Object.freeze([]),
  pickupGroups: Object.freeze([]),
});

/** spec: groups behaviour when at least one call or pickup group is set, otherwise legacy */
export function behaviourOf(prefs: UserPreferences): Behaviour {
  return prefs.callGroups.length > 0 || prefs.pickupGroups.length > 0 ? 'groups' : 'legacy';
}

/**
 * Validates raw admin input for one user; all-or-nothing. Fields omitted = unchanged (merge over `current`);
 * an empty field clears the groups. Call groups are checked first. The result is frozen.
 */
export function buildPreferences(
  input: { callGroups?: string; pickupGroups?: string },
  current: UserPreferences = EMPTY_PREFERENCES,
): { ok: true; preferences: UserPreferences } | { ok: false; error: InvalidGroupNameError | InvalidGroupListError } {
  const call = input.callGroups === undefined ? undefined : parseGroupField(input.callGroups, 'call');
  if (call?.ok === false) return call;
  const pickup = input.pickupGroups === undefined ? undefined : parseGroupField(input.pickupGroups, 'pickup');
  if (pickup?.ok === false) return pickup;
  const preferences = Object.freeze({
    callGroups: Object.freeze([...(call?.groups ?? current.callGroups)]),
    pickupGroups: Object.freeze([...(pickup?.groups ?? current.pickupGroups)]),
  });
  return { ok: true, preferences };
}
