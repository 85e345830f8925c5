import { describe, expect, it } from 'vitest';
import type { UserPreferences } from '../../../src/domain/preferences.ts';
import { behaviourOf, buildPreferences, EMPTY_PREFERENCES } from '../../../src/domain/preferences.ts';

const prefs = (callGroups: string[], pickupGroups: string[]): UserPreferences => ({ callGroups, pickupGroups });

describe('behaviourOf', () => {
  it.each([
    [prefs([], []), 'legacy'],
    [prefs(['Support'], []), 'groups'],
    [prefs([], ['Sales']), 'groups'],
    [prefs(['Support'], ['Support', 'Sales']), 'groups'],
  ])('%j is %s', (preferences, behaviour) => {
    expect(behaviourOf(preferences)).toBe(behaviour);
  });

  it('EMPTY_PREFERENCES is legacy and frozen', () => {
    expect(behaviourOf(EMPTY_PREFERENCES)).toBe('legacy');
    expect(Object.isFrozen(EMPTY_PREFERENCES)).toBe(true);
    expect(Object.isFrozen(EMPTY_PREFERENCES.callGroups)).toBe(true);
    expect(Object.isFrozen(EMPTY_PREFERENCES.pickupGroups)).toBe(true);
  });
});

describe('buildPreferences', () => {
  const current = prefs(['Support'], ['Support', 'Sales']);

  it('builds the spec example from admin input', () => {
    const result = buildPreferences({ callGroups: 'Support', pickupGroups: 'Support, Sales' });
    expect(result).toEqual({ ok: true, preferences: current });
    expect(result.ok && behaviourOf(result.preferences)).toBe('groups');
  });

  it.each([
    [{}, current],
    [{ callGroups: 'Dev' }, prefs(['Dev'], ['Support', 'Sales'])],
    [{ pickupGroups: 'Dev,Ops' }, prefs(['Support'], ['Dev', 'Ops'])],
    [{ callGroups: '', pickupGroups: '  ' }, prefs([], [])],
    [{ callGroups: '' }, prefs([], ['Support', 'Sales'])],
  ])('merges %j over the current preferences', (input, expected) => {
    expect(buildPreferences(input, current)).toEqual({ ok: true, preferences: expected });
  });

  it('starts from no groups when there is no current value', () => {
    expect(buildPreferences({ pickupGroups: 'Sales' })).toEqual({ ok: true, preferences: prefs([], ['Sales']) });
  });

  it.each([
    [{ callGroups: 'ok,200' }, 'call', 'FSP_ERR_INVALID_GROUP_NAME'],
    [{ callGroups: 'ok', pickupGroups: 'cg_1' }, 'pickup', 'FSP_ERR_INVALID_GROUP_NAME'],
    [{ callGroups: 'a,,b', pickupGroups: 'ok' }, 'call', 'FSP_ERR_INVALID_GROUP_LIST'],
    [{ callGroups: 'bad name', pickupGroups: 'also bad' }, 'call', 'FSP_ERR_INVALID_GROUP_NAME'], // call groups first
    [{ pickupGroups: 'x'.repeat(1025) }, 'pickup', 'FSP_ERR_INVALID_GROUP_LIST'],
  ])('refuses %j as a whole', (input, kind, code) => {
    const result = buildPreferences(input, current);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ kind, code });
  });

  it('returns frozen copies, unaffected by later changes to the current value', () => {
    const mutable = { callGroups: ['A'], pickupGroups: ['B'] };
    const result = buildPreferences({}, mutable);
    mutable.callGroups.push('C');
    expect(result).toEqual({ ok: true, preferences: prefs(['A'], ['B']) });
    if (!result.ok) return;
    expect(Object.isFrozen(result.preferences)).toBe(true);
    expect(Object.isFrozen(result.preferences.callGroups)).toBe(true);
    expect(Object.isFrozen(result.preferences.pickupGroups)).toBe(true);
  });
});
