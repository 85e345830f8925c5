import type { PickupTarget } from './dialled.ts';
import type { UserPreferences } from './preferences.ts';
import { behaviourOf } from './preferences.ts';

/** Why a pickup request is refused before any call is looked at. */
export type PickupDenial = 'legacy-picker' | 'group-not-permitted' | 'unsupported-target';

/**
 * May `picker` (with these preferences) ask for a pickup of `target`? For issue #2 only 'group' targets are
 * supported: groups-behaviour picker with the group among their pickup groups. Legacy pickers are refused for group
 * pickup (the spec: users with different behaviours never pick up each other's calls). Other targets:
 * 'unsupported-target' for now (a later issue adds them).
 */
export function decidePickup(
  picker: UserPreferences,
  target: PickupTarget,
): { allowed: true } | { allowed: false; denial: PickupDenial } {
  if (target.kind !== 'group') return { allowed: false, denial: 'unsupported-target' };
  if (behaviourOf(picker) === 'legacy') return { allowed: false, denial: 'legacy-picker' };
  if (!picker.pickupGroups.includes(target.group)) return { allowed: false, denial: 'group-not-permitted' };
  return { allowed: true };
}

/**
 * The rule for one concrete call: a groups-behaviour picker may take a call iff one of the call's call groups
 * (union of the call groups of every user it rings) is among the picker's pickup groups. A legacy picker never
 * takes a groups call and vice versa: a legacy picker has no pickup groups and a legacy call has no call groups,
 * so both fall out of the same test. (Legacy pickers taking legacy calls is decided by ACL groups, not here.)
 */
export function mayPickUpCall(picker: UserPreferences, call: { readonly callGroups: readonly string[] }): boolean {
  return call.callGroups.some((group) => picker.pickupGroups.includes(group));
}

/** Union of the call groups of the users a call rings, deduplicated, order of first appearance. */
export function callGroupsOf(ringing: readonly UserPreferences[]): string[] {
  return [...new Set(ringing.flatMap((user) => user.callGroups))];
}
