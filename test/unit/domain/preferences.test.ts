import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidFlagError } from '../../../src/domain/errors.ts';
import type { PreferencesInput, UserPreferences } from '../../../src/domain/preferences.ts';
import { behaviourOf, buildPreferences, EMPTY_PREFERENCES } from '../../../src/domain/preferences.ts';
import { groupsUser, legacyUser, prefs } from './fixtures.ts';

describe('behaviourOf', () => {
  it.each<[UserPreferences, string]>([
    [prefs(), 'legacy'],
    [groupsUser(['Support'], []), 'groups'],
    [groupsUser([], ['Sales']), 'groups'],
    [groupsUser(['Support'], ['Support', 'Sales']), 'groups'],
    // Only call and pickup groups decide (the spec), not the legacy settings or the queues.
    [legacyUser(['12'], true, { pickupQueues: ['5'] }), 'legacy'],
    [groupsUser(['Support'], [], { aclGroups: ['12'], groupPickup: true }), 'groups'],
  ])('%j is %s', (preferences, behaviour) => {
    expect(behaviourOf(preferences)).toBe(behaviour);
  });

  it('EMPTY_PREFERENCES is legacy, has nothing set and is frozen', () => {
    expect(EMPTY_PREFERENCES).toEqual({ callGroups: [], pickupGroups: [], aclGroups: [], groupPickup: false, pickupQueues: [], neverPickable: false, pickupNotices: true });
    expect(behaviourOf(EMPTY_PREFERENCES)).toBe('legacy');
    expect(Object.isFrozen(EMPTY_PREFERENCES)).toBe(true);
    for (const list of [EMPTY_PREFERENCES.callGroups, EMPTY_PREFERENCES.pickupGroups, EMPTY_PREFERENCES.aclGroups, EMPTY_PREFERENCES.pickupQueues]) {
      expect(Object.isFrozen(list)).toBe(true);
    }
  });
});

describe('buildPreferences', () => {
  const current = groupsUser(['Support'], ['Support', 'Sales'], { aclGroups: ['12'], groupPickup: true, pickupQueues: ['5'] });

  it('builds the spec example from admin input', () => {
    const result = buildPreferences({ callGroups: 'Support', pickupGroups: 'Support, Sales' });
    expect(result).toEqual({ ok: true, preferences: groupsUser(['Support'], ['Support', 'Sales']) });
    expect(result.ok && behaviourOf(result.preferences)).toBe('groups');
  });

  it('builds a legacy user with every legacy setting', () => {
    const result = buildPreferences({ aclGroups: '12, Office-2 ,12', groupPickup: 'yes', pickupQueues: '5,sales_q' });
    expect(result).toEqual({ ok: true, preferences: legacyUser(['12', 'Office-2'], true, { pickupQueues: ['5', 'sales_q'] }) });
  });

  it.each<[PreferencesInput, UserPreferences]>([
    [{}, current],
    [{ callGroups: 'Dev' }, { ...current, callGroups: ['Dev'] }],
    [{ pickupGroups: 'Dev,Ops' }, { ...current, pickupGroups: ['Dev', 'Ops'] }],
    [{ callGroups: '', pickupGroups: '  ' }, { ...current, callGroups: [], pickupGroups: [] }],
    [{ callGroups: '' }, { ...current, callGroups: [] }],
    [{ aclGroups: '7,8' }, { ...current, aclGroups: ['7', '8'] }],
    [{ aclGroups: '' }, { ...current, aclGroups: [] }],
    [{ groupPickup: false }, { ...current, groupPickup: false }],
    [{ groupPickup: 'off' }, { ...current, groupPickup: false }],
    [{ pickupQueues: ' 9 ' }, { ...current, pickupQueues: ['9'] }],
    [{ pickupQueues: '' }, { ...current, pickupQueues: [] }],
  ])('merges %j over the current preferences', (input, expected) => {
    expect(buildPreferences(input, current)).toEqual({ ok: true, preferences: expected });
  });

  it('starts from nothing set when there is no current value', () => {
    expect(buildPreferences({ pickupGroups: 'Sales' })).toEqual({ ok: true, preferences: groupsUser([], ['Sales']) });
    expect(buildPreferences({})).toEqual({ ok: true, preferences: EMPTY_PREFERENCES });
  });

  it.each<[string | boolean, boolean]>([
    [true, true],
    ['No', false],
    [' on\t', true],
  ])('reads groupPickup %j as %s (the spellings of parseFlag)', (groupPickup, expected) => {
    const result = buildPreferences({ groupPickup }, prefs({ groupPickup: !expected }));
    expect(result.ok && result.preferences.groupPickup).toBe(expected);
  });

  it.each(['', 'maybe', '2'])('refuses groupPickup %j and names it', (groupPickup) => {
    const result = buildPreferences({ groupPickup });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(InvalidFlagError);
    expect(result.error).toMatchObject({ code: 'FSP_ERR_INVALID_FLAG', field: 'groupPickup', value: groupPickup });
    expect(result.error.message).toBe(`groupPickup ${JSON.stringify(groupPickup)} is invalid: use yes/no, true/false, on/off or 1/0`);
  });

  it.each<[PreferencesInput, string, object]>([
    [{ callGroups: 'ok,200' }, 'FSP_ERR_INVALID_GROUP_NAME', { kind: 'call' }],
    [{ callGroups: 'ok', pickupGroups: 'cg_1' }, 'FSP_ERR_INVALID_GROUP_NAME', { kind: 'pickup' }],
    [{ callGroups: 'a,,b', pickupGroups: 'ok' }, 'FSP_ERR_INVALID_GROUP_LIST', { kind: 'call' }],
    [{ pickupGroups: 'x'.repeat(1025) }, 'FSP_ERR_INVALID_GROUP_LIST', { kind: 'pickup' }],
    [{ aclGroups: '12,a b' }, 'FSP_ERR_INVALID_ID', { kind: 'acl-group', entry: 'a b' }],
    [{ aclGroups: '12,' }, 'FSP_ERR_INVALID_ID_LIST', { kind: 'acl-group', rule: 'empty-entry' }],
    [{ pickupQueues: 'cg_5' }, 'FSP_ERR_INVALID_ID', { kind: 'pickup-queue', rule: 'reserved-prefix' }],
    [{ groupPickup: 'maybe' }, 'FSP_ERR_INVALID_FLAG', { value: 'maybe' }],
    // The first field in the order call, pickup, ACL groups, group pickup, queues is reported.
    [{ callGroups: 'bad name', pickupGroups: 'also bad' }, 'FSP_ERR_INVALID_GROUP_NAME', { kind: 'call' }],
    [{ pickupGroups: 'bad name', aclGroups: 'bad id' }, 'FSP_ERR_INVALID_GROUP_NAME', { kind: 'pickup' }],
    [{ aclGroups: 'bad id', groupPickup: 'maybe' }, 'FSP_ERR_INVALID_ID', { kind: 'acl-group' }],
    [{ groupPickup: 'maybe', pickupQueues: 'bad id' }, 'FSP_ERR_INVALID_FLAG', {}],
    [{ pickupQueues: 'bad id', aclGroups: '1' }, 'FSP_ERR_INVALID_ID', { kind: 'pickup-queue' }],
  ])('refuses %j as a whole', (input, code, details) => {
    const result = buildPreferences(input, current);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ code, ...details });
  });

  it('changes nothing when any field is refused (all or nothing)', () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            callGroups: fc.constantFrom('A', 'bad name'),
            pickupGroups: fc.constantFrom('B', '200'),
            aclGroups: fc.constantFrom('12', 'a,,b'),
            groupPickup: fc.constantFrom<string | boolean>(true, 'no', 'maybe'),
            pickupQueues: fc.constantFrom('5', 'cg_5'),
          },
          { requiredKeys: [] },
        ),
        (input) => {
          const bad = [input.callGroups === 'bad name', input.pickupGroups === '200', input.aclGroups === 'a,,b',
            input.groupPickup === 'maybe', input.pickupQueues === 'cg_5'].some(Boolean);
          expect(buildPreferences(input, current).ok).toBe(!bad);
        },
      ),
    );
  });

  it('returns frozen copies, unaffected by later changes to the current value', () => {
    const mutable = { callGroups: ['A'], pickupGroups: ['B'], aclGroups: ['1'], groupPickup: true, pickupQueues: ['q'], neverPickable: false, pickupNotices: true };
    const result = buildPreferences({}, mutable);
    mutable.callGroups.push('C');
    mutable.aclGroups.push('2');
    mutable.pickupQueues.push('r');
    expect(result).toEqual({ ok: true, preferences: legacyUser(['1'], true, { callGroups: ['A'], pickupGroups: ['B'], pickupQueues: ['q'] }) });
    if (!result.ok) return;
    expect(Object.isFrozen(result.preferences)).toBe(true);
    for (const list of [result.preferences.callGroups, result.preferences.pickupGroups, result.preferences.aclGroups, result.preferences.pickupQueues]) {
      expect(Object.isFrozen(list)).toBe(true);
    }
  });
});
