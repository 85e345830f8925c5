import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PickupTarget } from '../../../src/domain/dialled.ts';
import { callGroupsOf, decidePickup, mayPickUpCall } from '../../../src/domain/permissions.ts';
import type { UserPreferences } from '../../../src/domain/preferences.ts';
import { behaviourOf, EMPTY_PREFERENCES } from '../../../src/domain/preferences.ts';

const prefs = (callGroups: string[], pickupGroups: string[]): UserPreferences => ({ callGroups, pickupGroups });

// The spec's example: user A belongs to "Support" and may pick up "Support" and "Sales".
const userA = prefs(['Support'], ['Support', 'Sales']);
const salesAgent = prefs(['Sales'], []);
const supportAgent = prefs(['Support'], []);
const marketing = prefs(['Marketing'], ['Marketing']);
const legacy = EMPTY_PREFERENCES;
const group = (name: string): PickupTarget => ({ kind: 'group', group: name });

describe('decidePickup', () => {
  it.each<[string, UserPreferences, PickupTarget, ReturnType<typeof decidePickup>]>([
    ['spec example: own call group', userA, group('Support'), { allowed: true }],
    ['spec example: other pickup group', userA, group('Sales'), { allowed: true }],
    ['spec example: not a pickup group', userA, group('Marketing'), { allowed: false, denial: 'group-not-permitted' }],
    ['case-sensitive', userA, group('sales'), { allowed: false, denial: 'group-not-permitted' }],
    ['call group only is not a pickup group', salesAgent, group('Sales'), { allowed: false, denial: 'group-not-permitted' }],
    ['legacy picker, group pickup', legacy, group('Sales'), { allowed: false, denial: 'legacy-picker' }],
    ['extension target', userA, { kind: 'extension', extension: '200' }, { allowed: false, denial: 'unsupported-target' }],
    ['queue target', userA, { kind: 'queue', queueId: '5' }, { allowed: false, denial: 'unsupported-target' }],
    ['legacy group target, groups picker', userA, { kind: 'legacy-group' }, { allowed: false, denial: 'unsupported-target' }],
    ['legacy group target, legacy picker', legacy, { kind: 'legacy-group' }, { allowed: false, denial: 'unsupported-target' }],
  ])('%s', (_label, picker, target, decision) => {
    expect(decidePickup(picker, target)).toEqual(decision);
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
    ['legacy picker, legacy call: decided by ACL groups, not here', legacy, callTo(legacy), false],
    ['picker with call groups only', salesAgent, callTo(salesAgent), false],
    ['case-sensitive', userA, { callGroups: ['support'] }, false],
  ])('%s', (_label, picker, call, allowed) => {
    expect(mayPickUpCall(picker, call)).toBe(allowed);
  });

  it('allows exactly when the call shares a group with the picker, and never across behaviours', () => {
    const names = fc.array(fc.constantFrom<string>('a', 'b', 'c', 'd'), { maxLength: 3 });
    const user = fc.record({ callGroups: names, pickupGroups: names });
    fc.assert(
      fc.property(user, fc.array(user, { maxLength: 4 }), (picker, ringing) => {
        const call = { callGroups: callGroupsOf(ringing) };
        const allowed = mayPickUpCall(picker, call);
        expect(allowed).toBe(call.callGroups.some((g) => picker.pickupGroups.includes(g)));
        if (behaviourOf(picker) === 'legacy' || call.callGroups.length === 0) expect(allowed).toBe(false);
        // A group call the picker may take is also one whose group they may ask for by name.
        if (allowed) {
          expect(call.callGroups.some((g) => decidePickup(picker, group(g)).allowed)).toBe(true);
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
    [[prefs(['B', 'A'], ['X']), prefs(['A', 'C'], []), prefs(['C', 'B', 'D'], [])], ['B', 'A', 'C', 'D']],
    [[prefs(['a'], []), prefs(['A'], [])], ['a', 'A']],
  ])('%j -> %j', (ringing, groups) => {
    expect(callGroupsOf(ringing)).toEqual(groups);
  });
});
