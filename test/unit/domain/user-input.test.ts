import { describe, expect, it } from 'vitest';
import { parseGroupField } from '../../../src/domain/groups.ts';
import { parseIdField } from '../../../src/domain/ids.ts';
import { buildPreferences, EMPTY_PREFERENCES } from '../../../src/domain/preferences.ts';
import { validateUserInput } from '../../../src/domain/user-input.ts';

describe('validateUserInput: every problem of a whole user input', () => {
  it('reports every bad entry of every field, each with its code, field, entry and message', () => {
    const result = validateUserInput({
      user: '100@pbx.test',
      callGroups: 'Sales,cg_x,12,bad name',
      pickupGroups: 'ok,,2',
      aclGroups: '7,a!',
      groupPickup: 'maybe',
      pickupQueues: 'cg_5,q 1',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map(({ code, field, entry }) => [code, field, entry])).toEqual([
      ['FSP_ERR_INVALID_GROUP_NAME', 'callGroups', 'cg_x'],
      ['FSP_ERR_INVALID_GROUP_NAME', 'callGroups', '12'],
      ['FSP_ERR_INVALID_GROUP_NAME', 'callGroups', 'bad name'],
      ['FSP_ERR_INVALID_GROUP_LIST', 'pickupGroups', 'ok,,2'],
      ['FSP_ERR_INVALID_GROUP_NAME', 'pickupGroups', '2'],
      ['FSP_ERR_INVALID_ID', 'aclGroups', 'a!'],
      ['FSP_ERR_INVALID_FLAG', 'groupPickup', 'maybe'],
      ['FSP_ERR_INVALID_ID', 'pickupQueues', 'cg_5'],
      ['FSP_ERR_INVALID_ID', 'pickupQueues', 'q 1'],
    ]);
  });

  it('reads the yes/no settings of our own like the group pickup right, each problem under its own field', () => {
    const refused = validateUserInput({ user: '100@pbx.test', neverPickable: 'sometimes', pickupNotices: 'loud' });
    expect(!refused.ok && refused.problems.map(({ code, field, entry }) => [code, field, entry])).toEqual([
      ['FSP_ERR_INVALID_FLAG', 'neverPickable', 'sometimes'],
      ['FSP_ERR_INVALID_FLAG', 'pickupNotices', 'loud'],
    ]);
    const set = validateUserInput({ user: '100@pbx.test', neverPickable: 'yes', pickupNotices: 'off' });
    expect(set.ok && [set.preferences.neverPickable, set.preferences.pickupNotices]).toEqual([true, false]);
    // Omitted: unchanged, and by default pickable with notices.
    const untouched = validateUserInput({ user: '100@pbx.test', callGroups: 'Sales' });
    expect(untouched.ok && [untouched.preferences.neverPickable, untouched.preferences.pickupNotices]).toEqual([false, true]);
  });

  it('keeps the pickup groups in the order they were entered (88* searches them so)', () => {
    const result = validateUserInput({ user: '100@pbx.test', pickupGroups: 'Zeta, Alpha,Mid,Alpha' });
    expect(result.ok && result.preferences.pickupGroups).toEqual(['Zeta', 'Alpha', 'Mid']);
  });

  it('uses the messages of the error classes, so every front end says the same', () => {
    const result = validateUserInput({ user: '100@pbx.test', callGroups: 'cg_x' });
    const parsed = parseGroupField('cg_x', 'call');
    expect(!result.ok && result.problems[0]?.message).toBe(!parsed.ok && parsed.error.message);
    expect(!result.ok && result.problems[0]?.message).toBe('call group "cg_x" is invalid: a name cannot start with "cg_", 88cg_<id> is the pickup of a call queue');
  });

  it('reports a bad user reference together with the bad fields', () => {
    const result = validateUserInput({ user: '1 0@pbx.test', pickupGroups: '99' });
    expect(!result.ok && result.problems.map(({ code, field, entry }) => [code, field, entry])).toEqual([
      ['FSP_ERR_INVALID_USER', 'user', '1 0'],
      ['FSP_ERR_INVALID_GROUP_NAME', 'pickupGroups', '99'],
    ]);
  });

  it('merges valid input over what the user has now, asking only for a valid user', () => {
    const asked: string[] = [];
    const current = { ...EMPTY_PREFERENCES, callGroups: ['Support'], aclGroups: ['7'] };
    const result = validateUserInput({ user: '100@pbx.test', pickupGroups: 'Sales, Support' }, (user) => {
      asked.push(`${user.extension}@${user.domain}`);
      return current;
    });
    expect(result).toEqual({ ok: true, user: { extension: '100', domain: 'pbx.test' }, preferences: { ...current, pickupGroups: ['Sales', 'Support'] } });
    expect(asked).toEqual(['100@pbx.test']);
    validateUserInput({ user: 'nobody', callGroups: 'x' }, () => {
      throw new Error('not asked for an invalid user');
    });
  });
});

describe('list fields report every bad entry', () => {
  it('reports each bad entry once, an empty entry once, and the length last', () => {
    const field = `bad name,bad name,,,${'a'.repeat(1030)},9`;
    const result = parseGroupField(field, 'pickup');
    expect(!result.ok && result.errors.map((error) => error.code === 'FSP_ERR_INVALID_GROUP_NAME' ? error.entry : error.rule)).toEqual(['bad name', 'empty-entry', '9', 'too-long']);
    expect(!result.ok && result.error).toBe(!result.ok && result.errors[0]);
  });

  it('keeps the first error as `error` for the callers that want one', () => {
    const result = parseIdField('1,a b,c d', 'acl-group');
    expect(!result.ok && [result.error.message, result.errors.length]).toEqual(['ACL group "a b" is invalid: only Latin letters, digits, "_" and "-" are allowed (found " ")', 2]);
    const built = buildPreferences({ callGroups: 'x y', pickupGroups: '1' });
    expect(!built.ok && [built.error.code, built.errors.length]).toEqual(['FSP_ERR_INVALID_GROUP_NAME', 2]);
  });
});
