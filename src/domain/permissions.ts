import type { PickupTarget } from './dialled.ts';
import type { UserPreferences } from './preferences.ts';
import { behaviourOf } from './preferences.ts';

/** Why a pickup request, or the pickup of one extension's calls, is refused. */
export type PickupDenial =
  | 'legacy-picker' // a legacy user asked for a groups-only form (88<group>, 88*)
  | 'groups-picker' // a groups user asked for legacy group pickup (88): the spec says it stops working
  | 'group-not-permitted' // 88<group> not in own pickup groups
  | 'no-pickup-groups' // 88* (own pickup groups in order) by a groups user who has none
  | 'no-group-pickup-right' // legacy picker without the "Can - Call Pickup - Group" permission
  | 'no-acl-group' // legacy picker in no ACL group
  | 'behaviours-differ' // directed pickup across behaviours (spec: never)
  | 'extension-not-permitted' // directed pickup: no shared group / ACL group
  | 'queue-not-permitted'; // 88cg_<id> not in own pickupQueues (default deny)

/**
 * Where to look for a call to pick up: one index of ringing calls, several searched together (the legacy ACL groups),
 * or several in turn (own pickup groups: the first that has a pickable call gives it).
 */
export type PickupSearch =
  | { kind: 'group'; group: string }
  | { kind: 'groups-in-order'; groups: readonly string[] }
  | { kind: 'extension'; extension: string }
  | { kind: 'acl-groups'; aclGroups: readonly string[] }
  | { kind: 'queue'; queueId: string };

/** Outcome of planPickup. */
export type PickupPlan = { allowed: true; search: PickupSearch } | { allowed: false; denial: PickupDenial };

/** Outcome of a permission check on one target. */
export type PickupPermission = { allowed: true } | { allowed: false; denial: PickupDenial };

/**
 * First step, before any call is looked at: may the picker use this form at all, and where to look.
 * - 88<group>: groups picker with the group among their pickup groups.
 * - 88* alone: groups picker with pickup groups, searching them in the order they are stored.
 * - 88<digits>: allowed here unless no target could ever pass mayPickUpExtension (a legacy picker without the
 *   permission or an ACL group, a groups picker without pickup groups); the caller then checks the extension's
 *   preferences with mayPickUpExtension.
 * - 88 alone: legacy picker with the group pickup permission, searching their own ACL groups.
 * - 88cg_<id>: the queue is in the picker's pickup queues, whatever their behaviour.
 */
export function planPickup(picker: UserPreferences, target: PickupTarget): PickupPlan {
  switch (target.kind) {
    case 'group':
      if (behaviourOf(picker) === 'legacy') return deny('legacy-picker');
      if (!picker.pickupGroups.includes(target.group)) return deny('group-not-permitted');
      return { allowed: true, search: { kind: 'group', group: target.group } };
    case 'my-groups':
      if (behaviourOf(picker) === 'legacy') return deny('legacy-picker');
      if (picker.pickupGroups.length === 0) return deny('no-pickup-groups');
      return { allowed: true, search: { kind: 'groups-in-order', groups: picker.pickupGroups } };
    case 'extension': {
      const denial = behaviourOf(picker) === 'groups' ? groupsDirectedDenial(picker) : legacyPickupDenial(picker);
      if (denial !== undefined) return deny(denial);
      return { allowed: true, search: { kind: 'extension', extension: target.extension } };
    }
    case 'legacy-group': {
      const denial = behaviourOf(picker) === 'groups' ? 'groups-picker' : legacyPickupDenial(picker);
      if (denial !== undefined) return deny(denial);
      return { allowed: true, search: { kind: 'acl-groups', aclGroups: picker.aclGroups } };
    }
    case 'queue':
      if (!picker.pickupQueues.includes(target.queueId)) return deny('queue-not-permitted');
      return { allowed: true, search: { kind: 'queue', queueId: target.queueId } };
  }
}

/**
 * Directed pickup: may `picker` take calls ringing the user `target` (that extension's preferences)? Both must have
 * the same behaviour (spec). Groups: one of the target's call groups is among the picker's pickup groups. Legacy:
 * the picker has the group pickup permission and shares an ACL group with the target.
 */
export function mayPickUpExtension(picker: UserPreferences, target: UserPreferences): PickupPermission {
  const behaviour = behaviourOf(picker);
  if (behaviour !== behaviourOf(target)) return deny('behaviours-differ');
  if (behaviour === 'legacy') {
    const denial = legacyPickupDenial(picker);
    if (denial !== undefined) return deny(denial);
  }
  const shared = behaviour === 'groups' ? mayPickUpCall(picker, target) : sharesAny(picker.aclGroups, target.aclGroups);
  return shared ? { allowed: true } : deny('extension-not-permitted');
}

/**
 * The ACL groups a ringing user's calls are indexed under for legacy group pickup (88): their ACL groups if they are
 * legacy, none if they are in groups behaviour (a groups user's calls are never offered to legacy pickers).
 */
export function aclGroupsOfRingingUser(prefs: UserPreferences): readonly string[] {
  return behaviourOf(prefs) === 'legacy' ? prefs.aclGroups : [];
}

/**
 * The rule for one concrete call: a groups-behaviour picker may take a call iff one of the call's call groups
 * (union of the call groups of every user it rings) is among the picker's pickup groups. A legacy picker never
 * takes a groups call and vice versa: a legacy picker has no pickup groups and a legacy call has no call groups,
 * so both fall out of the same test. (Legacy pickers taking legacy calls is decided by ACL groups, not here.)
 */
export function mayPickUpCall(picker: UserPreferences, call: { readonly callGroups: readonly string[] }): boolean {
  return sharesAny(call.callGroups, picker.pickupGroups);
}

/** Union of the call groups of the users a call rings, deduplicated, order of first appearance. */
export function callGroupsOf(ringing: readonly UserPreferences[]): string[] {
  return [...new Set(ringing.flatMap((user) => user.callGroups))];
}

// What keeps a legacy picker from any group pickup (88 and directed alike).
function legacyPickupDenial(picker: UserPreferences): PickupDenial | undefined {
  if (!picker.groupPickup) return 'no-group-pickup-right';
  if (picker.aclGroups.length === 0) return 'no-acl-group';
  return undefined;
}

// A groups picker without pickup groups can take no extension's calls.
function groupsDirectedDenial(picker: UserPreferences): PickupDenial | undefined {
  return picker.pickupGroups.length === 0 ? 'extension-not-permitted' : undefined;
}

function sharesAny(some: readonly string[], others: readonly string[]): boolean {
  return some.some((value) => others.includes(value));
}

function deny(denial: PickupDenial): { allowed: false; denial: PickupDenial } {
  return { allowed: false, denial };
}
