import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PickupTarget } from '../../../src/domain/dialled.ts';
import type { PickupPermission, PickupPlan } from '../../../src/domain/permissions.ts';
import {
  aclGroupsOfRingingUser,
  callGroupsOf,
  mayPickUpCall,
  mayPickUpExtension,
  planPickup,
} from '../../../src/domain/permissions.ts';
import type { UserPreferences } from '../../../src/domain/preferences.ts';
import { behaviourOf, EMPTY_PREFERENCES } from '../../../src/domain/preferences.ts';
import { groupsUser, legacyUser } from './fixtures.ts';

// The spec's example: user A belongs to "Support" and may pick up "Support" and "Sales".
const userA = groupsUser(['Support'], ['Support', 'Sales']);
const salesAgent = groupsUser(['Sales'], []);
const supportAgent = groupsUser(['Support'], []);
const marketing = groupsUser(['Marketing'], ['Marketing']);
const pickupOnly = groupsUser([], ['Support']); // picks up, but no call of theirs is offered to anyone
const queueAgent = groupsUser(['Support'], ['Support'], { pickupQueues: ['5', 'sales_q'] });
// Groups behaviour with leftover legacy settings: the spec says those stop working.
const convertedUser = groupsUser(['Support'], ['Support'], { aclGroups: ['12'], groupPickup: true });
const legacy = EMPTY_PREFERENCES;
const legacyPicker = legacyUser(['12', 'Office'], true);
const legacyNoRight = legacyUser(['12'], false);
const legacyNoAcl = legacyUser([], true);
const legacyQueueAgent = legacyUser([], false, { pickupQueues: ['5'] });

const group = (name: string): PickupTarget => ({ kind: 'group', group: name });
const extension = (ext: string): PickupTarget => ({ kind: 'extension', extension: ext });
const queue = (queueId: string): PickupTarget => ({ kind: 'queue', queueId });
const legacyGroup: PickupTarget = { kind: 'legacy-group' };
const denied = (denial: string) => ({ allowed: false, denial });

describe('planPickup', () => {
  describe('88<group>', () => {
    it.each<[string, UserPreferences, PickupTarget, PickupPlan | object]>([
      ['spec example: own call group', userA, group('Support'), { allowed: true, search: { kind: 'group', group: 'Support' } }],
      ['spec example: other pickup group', userA, group('Sales'), { allowed: true, search: { kind: 'group', group: 'Sales' } }],
      ['pickup group only, no call group', pickupOnly, group('Support'), { allowed: true, search: { kind: 'group', group: 'Support' } }],
      ['spec example: not a pickup group', userA, group('Marketing'), denied('group-not-permitted')],
      ['case-sensitive', userA, group('sales'), denied('group-not-permitted')],
      ['call group only is not a pickup group', salesAgent, group('Sales'), denied('group-not-permitted')],
      ['legacy picker', legacy, group('Sales'), denied('legacy-picker')],
      ['legacy picker with the group pickup right', legacyPicker, group('Sales'), denied('legacy-picker')],
      ['legacy picker whose ACL group has the name', legacyUser(['Sales'], true), group('Sales'), denied('legacy-picker')],
    ])('%s', (_label, picker, target, plan) => {
      expect(planPickup(picker, target)).toEqual(plan);
    });
  });

  describe('88<digits> (directed): the target extension is checked later with mayPickUpExtension', () => {
    it.each<[string, UserPreferences, PickupPlan | object]>([
      ['groups picker with pickup groups', userA, { allowed: true, search: { kind: 'extension', extension: '200' } }],
      ['groups picker with call groups only: no extension could pass', salesAgent, denied('extension-not-permitted')],
      ['legacy picker with the right and ACL groups', legacyPicker, { allowed: true, search: { kind: 'extension', extension: '200' } }],
      ['legacy picker without the right', legacyNoRight, denied('no-group-pickup-right')],
      ['legacy picker in no ACL group', legacyNoAcl, denied('no-acl-group')],
      ['legacy picker with nothing set: the right is checked first', legacy, denied('no-group-pickup-right')],
      ['groups picker with leftover legacy settings', convertedUser, { allowed: true, search: { kind: 'extension', extension: '200' } }],
    ])('%s', (_label, picker, plan) => {
      expect(planPickup(picker, extension('200'))).toEqual(plan);
    });
  });

  describe('88* alone (own pickup groups, in their order)', () => {
    const myGroups: PickupTarget = { kind: 'my-groups' };
    it.each<[string, UserPreferences, PickupPlan | object]>([
      ['groups picker: their pickup groups, in the stored order', userA, { allowed: true, search: { kind: 'groups-in-order', groups: ['Support', 'Sales'] } }],
      ['the order is the picker’s, not the alphabet', groupsUser([], ['Sales', 'Marketing', 'Support']), { allowed: true, search: { kind: 'groups-in-order', groups: ['Sales', 'Marketing', 'Support'] } }],
      ['pickup group only, no call group', pickupOnly, { allowed: true, search: { kind: 'groups-in-order', groups: ['Support'] } }],
      ['groups picker with call groups only', salesAgent, denied('no-pickup-groups')],
      ['legacy picker: refused like any group form', legacyPicker, denied('legacy-picker')],
      ['legacy picker with nothing set', legacy, denied('legacy-picker')],
      ['legacy queue agent', legacyQueueAgent, denied('legacy-picker')],
    ])('%s', (_label, picker, plan) => {
      expect(planPickup(picker, myGroups)).toEqual(plan);
    });
  });

  describe('88 alone (legacy group pickup)', () => {
    it.each<[string, UserPreferences, PickupPlan | object]>([
      ['legacy picker with the right: their ACL groups', legacyPicker, { allowed: true, search: { kind: 'acl-groups', aclGroups: ['12', 'Office'] } }],
      ['groups picker: it stops working (spec)', userA, denied('groups-picker')],
      ['groups picker with leftover legacy settings', convertedUser, denied('groups-picker')],
      ['groups picker with pickup groups only', pickupOnly, denied('groups-picker')],
      ['legacy picker without the right', legacyNoRight, denied('no-group-pickup-right')],
      ['legacy picker in no ACL group', legacyNoAcl, denied('no-acl-group')],
      ['legacy picker with nothing set', legacy, denied('no-group-pickup-right')],
    ])('%s', (_label, picker, plan) => {
      expect(planPickup(picker, legacyGroup)).toEqual(plan);
    });
  });

  describe('88cg_<id> (call queue): explicit allow-list, either behaviour', () => {
    it.each<[string, UserPreferences, string, PickupPlan | object]>([
      ['groups picker, listed queue', queueAgent, '5', { allowed: true, search: { kind: 'queue', queueId: '5' } }],
      ['groups picker, other listed queue', queueAgent, 'sales_q', { allowed: true, search: { kind: 'queue', queueId: 'sales_q' } }],
      ['legacy picker without the group pickup right, listed queue', legacyQueueAgent, '5', { allowed: true, search: { kind: 'queue', queueId: '5' } }],
      ['default deny: groups picker', userA, '5', denied('queue-not-permitted')],
      ['default deny: legacy picker with the right', legacyPicker, '5', denied('queue-not-permitted')],
      ['default deny: nothing set', legacy, '5', denied('queue-not-permitted')],
      ['unlisted queue', queueAgent, '6', denied('queue-not-permitted')],
      ['ids are compared exactly: 05 is not 5', queueAgent, '05', denied('queue-not-permitted')],
      ['ids are case-sensitive', queueAgent, 'Sales_q', denied('queue-not-permitted')],
      ['a pickup group of the same name does not count', groupsUser([], ['q1']), 'q1', denied('queue-not-permitted')],
    ])('%s', (_label, picker, queueId, plan) => {
      expect(planPickup(picker, queue(queueId))).toEqual(plan);
    });
  });
});

describe('mayPickUpExtension', () => {
  it.each<[string, UserPreferences, UserPreferences, PickupPermission | object]>([
    ['spec example: a Support user', userA, supportAgent, { allowed: true }],
    ['spec example: a Sales user', userA, salesAgent, { allowed: true }],
    ['spec example: a Marketing user', userA, marketing, denied('extension-not-permitted')],
    ['target with pickup groups only: no call group to match', userA, pickupOnly, denied('extension-not-permitted')],
    ['target with several call groups, one matching', userA, groupsUser(['Marketing', 'Sales'], []), { allowed: true }],
    ['case-sensitive groups', userA, groupsUser(['support'], []), denied('extension-not-permitted')],
    ['the target pickup groups do not matter', salesAgent, groupsUser(['X'], ['Sales']), denied('extension-not-permitted')],
    ['behaviours differ: groups picker, legacy target', userA, legacyPicker, denied('behaviours-differ')],
    ['behaviours differ: groups picker, legacy target in the same ACL group', convertedUser, legacyUser(['12'], true), denied('behaviours-differ')],
    ['behaviours differ: legacy picker, groups target', legacyPicker, supportAgent, denied('behaviours-differ')],
    ['behaviours differ: legacy picker, groups target in the same ACL group', legacyPicker, convertedUser, denied('behaviours-differ')],
    ['behaviours differ, even without any right', legacy, supportAgent, denied('behaviours-differ')],
    ['legacy: shared ACL group', legacyPicker, legacyUser(['Office'], false), { allowed: true }],
    ['legacy: the target right does not matter', legacyPicker, legacyUser(['12', '99'], true), { allowed: true }],
    ['legacy: no shared ACL group', legacyPicker, legacyUser(['99'], true), denied('extension-not-permitted')],
    ['legacy: target in no ACL group', legacyPicker, legacy, denied('extension-not-permitted')],
    ['legacy: ACL groups are case-sensitive', legacyPicker, legacyUser(['office'], false), denied('extension-not-permitted')],
    ['legacy: picker without the right', legacyNoRight, legacyUser(['12'], true), denied('no-group-pickup-right')],
    ['legacy: picker in no ACL group', legacyNoAcl, legacyUser(['12'], true), denied('no-acl-group')],
    ['queues do not matter', legacyQueueAgent, legacyUser([], false, { pickupQueues: ['5'] }), denied('no-group-pickup-right')],
  ])('%s', (_label, picker, target, permission) => {
    expect(mayPickUpExtension(picker, target)).toEqual(permission);
  });
});

describe('aclGroupsOfRingingUser', () => {
  it.each<[string, UserPreferences, string[]]>([
    ['legacy user: their ACL groups', legacyUser(['12', 'Office'], false), ['12', 'Office']],
    ['legacy user in no ACL group', legacy, []],
    ['groups user: never offered to legacy group pickup', convertedUser, []],
    ['groups user with pickup groups only', groupsUser([], ['Sales'], { aclGroups: ['12'] }), []],
  ])('%s', (_label, user, aclGroups) => {
    expect(aclGroupsOfRingingUser(user)).toEqual(aclGroups);
  });
});

describe('mayPickUpCall', () => {
  const callTo = (...users: UserPreferences[]) => ({ callGroups: callGroupsOf(users) });

  it.each<[string, UserPreferences, { callGroups: readonly string[] }, boolean]>([
    ['spec example: a Support call', userA, callTo(supportAgent), true],
    ['spec example: a Sales call', userA, callTo(salesAgent), true],
    ['spec example: a Marketing call', userA, callTo(marketing), false],
    ['a call ringing Marketing and Sales users', userA, callTo(marketing, salesAgent), true],
    ['behaviour isolation: groups picker, legacy call', userA, callTo(legacy), false],
    ['behaviour isolation: legacy picker, groups call', legacy, callTo(salesAgent), false],
    ['legacy picker, legacy call: decided by ACL groups, not here', legacyPicker, callTo(legacyPicker), false],
    ['picker with call groups only', salesAgent, callTo(salesAgent), false],
    ['case-sensitive', userA, { callGroups: ['support'] }, false],
  ])('%s', (_label, picker, call, allowed) => {
    expect(mayPickUpCall(picker, call)).toBe(allowed);
  });

  it('allows exactly when the call shares a group with the picker, and never across behaviours', () => {
    const names = fc.array(fc.constantFrom<string>('a', 'b', 'c', 'd'), { maxLength: 3 });
    const user = fc.record({ callGroups: names, pickupGroups: names }).map((groups) => groupsUser(groups.callGroups, groups.pickupGroups));
    fc.assert(
      fc.property(user, fc.array(user, { maxLength: 4 }), (picker, ringing) => {
        const call = { callGroups: callGroupsOf(ringing) };
        const allowed = mayPickUpCall(picker, call);
        expect(allowed).toBe(call.callGroups.some((g) => picker.pickupGroups.includes(g)));
        if (behaviourOf(picker) === 'legacy' || call.callGroups.length === 0) expect(allowed).toBe(false);
        // A group call the picker may take is also one whose group they may ask for by name.
        if (allowed) {
          expect(call.callGroups.some((g) => planPickup(picker, group(g)).allowed)).toBe(true);
        }
      }),
    );
  });
});

describe('callGroupsOf', () => {
  it.each<[UserPreferences[], string[]]>([
    [[], []],
    [[legacy], []],
    [[supportAgent], ['Support']],
    [[groupsUser(['B', 'A'], ['X']), groupsUser(['A', 'C'], []), groupsUser(['C', 'B', 'D'], [])], ['B', 'A', 'C', 'D']],
    [[groupsUser(['a'], []), groupsUser(['A'], [])], ['a', 'A']],
  ])('%j -> %j', (ringing, groups) => {
    expect(callGroupsOf(ringing)).toEqual(groups);
  });
});

describe('properties over random preferences', () => {
  // Small alphabets so that shared groups, ACL groups and queues are common; legacy and groups users both occur.
  const names = fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { maxLength: 2 });
  const ids = fc.uniqueArray(fc.constantFrom('1', '2', '3'), { maxLength: 2 });
  const anyUser: fc.Arbitrary<UserPreferences> = fc.record({
    callGroups: fc.oneof(fc.constant([]), names),
    pickupGroups: fc.oneof(fc.constant([]), names),
    aclGroups: ids,
    groupPickup: fc.boolean(),
    pickupQueues: ids,
    neverPickable: fc.boolean(),
    pickupNotices: fc.boolean(),
  });
  const anyTarget: fc.Arbitrary<PickupTarget> = fc.oneof(
    fc.constantFrom('a', 'b', 'c').map(group),
    fc.constant(extension('200')),
    fc.constant(legacyGroup),
    fc.constantFrom('1', '2', '3').map(queue),
    fc.constant<PickupTarget>({ kind: 'my-groups' }),
  );
  const runs = { numRuns: 1000 };
  // The ACL groups that 88 alone searches for this picker; none when they may not use it.
  const aclSearchOf = (picker: UserPreferences): readonly string[] => {
    const plan = planPickup(picker, legacyGroup);
    return plan.allowed && plan.search.kind === 'acl-groups' ? plan.search.aclGroups : [];
  };

  it('isolates the behaviours: a groups picker never gets a legacy target and vice versa, except queues', () => {
    fc.assert(
      fc.property(anyUser, anyUser, anyTarget, (picker, target, dialled) => {
        const pickerBehaviour = behaviourOf(picker);
        const targetBehaviour = behaviourOf(target);
        const plan = planPickup(picker, dialled);
        // Groups-only forms for groups pickers, the legacy form for legacy pickers; queues for anyone listed.
        if ((dialled.kind === 'group' || dialled.kind === 'my-groups') && plan.allowed) expect(pickerBehaviour).toBe('groups');
        if (dialled.kind === 'legacy-group' && plan.allowed) expect(pickerBehaviour).toBe('legacy');
        if (dialled.kind === 'queue') expect(plan.allowed).toBe(picker.pickupQueues.includes(dialled.queueId));
        // Directed pickup never crosses behaviours.
        if (pickerBehaviour !== targetBehaviour) {
          expect(mayPickUpExtension(picker, target)).toEqual(denied('behaviours-differ'));
        }
        // A call ringing the target is offered to pickers of the other behaviour neither by group nor by ACL group.
        if (pickerBehaviour !== targetBehaviour) {
          expect(mayPickUpCall(picker, { callGroups: target.callGroups })).toBe(false);
          expect(aclGroupsOfRingingUser(target).some((g) => aclSearchOf(picker).includes(g))).toBe(false);
        }
      }),
      runs,
    );
  });

  it('88* searches exactly the groups 88<group> allows one by one, in the picker’s order', () => {
    fc.assert(
      fc.property(anyUser, (picker) => {
        const plan = planPickup(picker, { kind: 'my-groups' });
        const allowedOneByOne = picker.pickupGroups.filter((g) => planPickup(picker, group(g)).allowed);
        if (plan.allowed) expect(plan.search).toEqual({ kind: 'groups-in-order', groups: allowedOneByOne });
        expect(plan.allowed).toBe(allowedOneByOne.length > 0);
      }),
      runs,
    );
  });

  it('directed pickup agrees with group pickup and legacy group pickup of the same user', () => {
    fc.assert(
      fc.property(anyUser, anyUser, (picker, target) => {
        const byAclGroup = aclGroupsOfRingingUser(target).some((g) => aclSearchOf(picker).includes(g));
        const byGroup = behaviourOf(target) === 'groups' && target.callGroups.some((g) => planPickup(picker, group(g)).allowed);
        expect(mayPickUpExtension(picker, target).allowed).toBe(byGroup || byAclGroup);
      }),
      runs,
    );
  });

  it('refuses 88<digits> up front exactly when no extension could pass, with the reason a same-behaviour target gets', () => {
    fc.assert(
      fc.property(anyUser, anyUser, (picker, target) => {
        const plan = planPickup(picker, extension('200'));
        const permission = mayPickUpExtension(picker, target);
        if (!plan.allowed) {
          expect(permission.allowed).toBe(false);
          if (behaviourOf(target) === behaviourOf(picker)) expect(permission).toEqual(plan);
          return;
        }
        expect(plan.search).toEqual({ kind: 'extension', extension: '200' });
        // Some user can be picked up: one in the picker's first pickup group, or in their first ACL group.
        const reachable = behaviourOf(picker) === 'groups' ? groupsUser([picker.pickupGroups[0] ?? ''], []) : legacyUser([picker.aclGroups[0] ?? ''], false);
        expect(mayPickUpExtension(picker, reachable)).toEqual({ allowed: true });
      }),
      runs,
    );
  });
});
