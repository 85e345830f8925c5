import type { UserPreferences } from '../../../src/domain/preferences.ts';
import { EMPTY_PREFERENCES } from '../../../src/domain/preferences.ts';

/** Preferences with the given fields set over EMPTY_PREFERENCES (plain arrays, not frozen). */
export function prefs(fields: Partial<UserPreferences> = {}): UserPreferences {
  return { ...EMPTY_PREFERENCES, ...fields };
}

/** A groups-behaviour user. */
export function groupsUser(callGroups: string[], pickupGroups: string[], rest: Partial<UserPreferences> = {}): UserPreferences {
  return prefs({ ...rest, callGroups, pickupGroups });
}

/** A legacy user in these ACL groups, with or without the "Can - Call Pickup - Group" permission. */
export function legacyUser(aclGroups: string[], groupPickup: boolean, rest: Partial<UserPreferences> = {}): UserPreferences {
  return prefs({ ...rest, aclGroups, groupPickup });
}
