import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidGroupListError, InvalidGroupNameError } from '../../../src/domain/errors.ts';
import type { GroupNameRule } from '../../../src/domain/groups.ts';
import {
  groupNameViolation,
  isValidGroupName,
  MAX_GROUP_FIELD_LENGTH,
  parseGroupField,
} from '../../../src/domain/groups.ts';

const VALID_NAMES = ['sales', 'Sales', 'SALES', 'a', 'Z', '_', '-', 'team_1', 'team-2', '1st-line', '2a', 'a1',
  'CG_5', 'Cg_5', 'cG_5', 'cg', 'cg-5', 'cgx', 'x_cg_', '007x', '-123', '123-', '_1', 'x'.repeat(1024)];

const INVALID_NAMES: [string, GroupNameRule, string?][] = [
  ['', 'empty'],
  ['sales team', 'invalid-character', ' '],
  ['sales.team', 'invalid-character', '.'],
  ['sales,team', 'invalid-character', ','],
  ['café', 'invalid-character', 'é'],
  ['cafe\u0301', 'invalid-character', '\u0301'], // combining accent
  ['straße', 'invalid-character', 'ß'],
  ['s\u0430les', 'invalid-character', '\u0430'], // Cyrillic а, looks Latin
  ['продажи', 'invalid-character', 'п'],
  ['Ωmega', 'invalid-character', 'Ω'],
  ['team٣', 'invalid-character', '٣'], // Arabic-Indic digit
  ['١٢٣', 'invalid-character', '١'],
  ['１２３', 'invalid-character', '１'], // fullwidth digits
  ['ｓａｌｅｓ', 'invalid-character', 'ｓ'], // fullwidth letters
  ['\u212Aelvin', 'invalid-character', '\u212A'], // Kelvin sign, case-folds to k
  ['\u017Fales', 'invalid-character', '\u017F'], // long s, case-folds to s
  ['sales😀', 'invalid-character', '😀'],
  ['👍', 'invalid-character', '👍'],
  ['a\uD800b', 'invalid-character', '\uD800'], // lone surrogate
  ['sales\n', 'invalid-character', '\n'],
  ['sales\t1', 'invalid-character', '\t'],
  ['a\u0000b', 'invalid-character', '\u0000'],
  ['a\u00A0b', 'invalid-character', '\u00A0'],
  ['a\u200Bb', 'invalid-character', '\u200B'], // zero-width space
  ['sales*', 'invalid-character', '*'],
  ['sa#les', 'invalid-character', '#'],
  ['a@b', 'invalid-character', '@'],
  ['{tag}', 'invalid-character', '{'],
  ['a:b', 'invalid-character', ':'],
  ['${var}', 'invalid-character', '$'],
  ['100%', 'invalid-character', '%'],
  ['cg_é', 'invalid-character', 'é'], // characters are checked before the prefix
  ['0', 'digits-only'],
  ['200', 'digits-only'],
  ['0123456789', 'digits-only'],
  ['9'.repeat(1024), 'digits-only'],
  ['cg_', 'reserved-prefix'],
  ['cg_5', 'reserved-prefix'],
  ['cg_sales', 'reserved-prefix'],
  ['cg_cg_', 'reserved-prefix'],
];

describe('groupNameViolation / isValidGroupName', () => {
  it.each(VALID_NAMES)('accepts %j', (name) => {
    expect(groupNameViolation(name)).toBeUndefined();
    expect(isValidGroupName(name)).toBe(true);
  });

  it.each(INVALID_NAMES)('rejects %j: %s', (name, rule) => {
    expect(groupNameViolation(name)).toBe(rule);
    expect(isValidGroupName(name)).toBe(false);
  });

  it('accepts exactly the strings of [A-Za-z0-9_-]+ that are not digits only and do not start with cg_', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (name) => {
        const expected = /^[A-Za-z0-9_-]+$/.test(name) && !/^[0-9]+$/.test(name) && !name.startsWith('cg_');
        expect(isValidGroupName(name)).toBe(expected);
      }),
    );
  });
});

describe('parseGroupField', () => {
  const cases: [string, string[]][] = [
    ['', []],
    ['   ', []],
    ['\t\n ', []],
    ['sales', ['sales']],
    ['Support,Sales', ['Support', 'Sales']],
    [' Support , Sales ', ['Support', 'Sales']],
    ['\tSupport,\u00A0Sales\u3000', ['Support', 'Sales']], // any Unicode whitespace around an entry
    ['sales,Sales,SALES', ['sales', 'Sales', 'SALES']], // case-sensitive: three groups
    ['sales,support,sales', ['sales', 'support']], // duplicate dropped, first kept
    ['b,a,b,a,c', ['b', 'a', 'c']],
    ['sales, sales ,sales', ['sales']],
  ];

  it.each(cases)('parses %j', (field, groups) => {
    expect(parseGroupField(field, 'call')).toEqual({ ok: true, groups, canonical: groups.join(',') });
  });

  it.each(INVALID_NAMES.filter(([name]) => name.trim() !== '' && name.trim() === name && !name.includes(',')))(
    'refuses a field with the invalid name %j',
    (name, rule, found) => {
      const result = parseGroupField(`ok1,${name},ok2`, 'pickup');
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toBeInstanceOf(InvalidGroupNameError);
      expect(result.error).toMatchObject({ code: 'FSP_ERR_INVALID_GROUP_NAME', kind: 'pickup', entry: name, rule, found });
    },
  );

  it('reports a name with inner spaces and quotes it in the message', () => {
    const result = parseGroupField('Support, sales team ,x', 'call');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.message).toBe(
      'call group "sales team" is invalid: only Latin letters, digits, "_" and "-" are allowed (found " ")',
    );
  });

  it.each([
    ['200', 'pickup group "200" is invalid: a name cannot be only digits, 88<digits> is the directed pickup of an extension'],
    ['cg_5', 'pickup group "cg_5" is invalid: a name cannot start with "cg_", 88cg_<id> is the pickup of a call queue'],
    ['sales😀', 'pickup group "sales😀" is invalid: only Latin letters, digits, "_" and "-" are allowed (found "😀")'],
    ['a\u202Eb', 'pickup group "a\\u202eb" is invalid: only Latin letters, digits, "_" and "-" are allowed (found "\\u202e")'],
  ])('names the entry %j and the rule in the message', (field, message) => {
    const result = parseGroupField(field, 'pickup');
    expect(!result.ok && result.error.message).toBe(message);
  });

  it.each(['a,,b', ',a', 'a,', ',', ' , ', 'a, ,b', 'a,\t,b', ',,'])('refuses the empty entry in %j', (field) => {
    const result = parseGroupField(field, 'call');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(InvalidGroupListError);
    expect(result.error).toMatchObject({ code: 'FSP_ERR_INVALID_GROUP_LIST', kind: 'call', field, rule: 'empty-entry' });
    expect(result.error.message).toContain('an entry is empty');
    expect(result.error.message).toContain(JSON.stringify(field));
  });

  it('reports the first offending entry, left to right', () => {
    const result = parseGroupField('ok,b d,200,,cg_1', 'call');
    expect(!result.ok && result.error).toMatchObject({ entry: 'b d', rule: 'invalid-character' });
  });

  describe('the 1024-character limit of the canonical field', () => {
    const names = (count: number, length: number) =>
      Array.from({ length: count }, (_, i) => `g${i.toString(36).padStart(length - 1, '0')}`);
    const oneCharacterNames = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-'];

    it.each([
      ['one name of 1024', ['a'.repeat(1024)]],
      ['256 names of 3 (+ 255 commas = 1023)', names(256, 3)],
      ['205 names of 4 (+ 204 commas = 1024)', names(205, 4)],
      ['every one-character name', oneCharacterNames],
    ])('accepts %s', (_label, groups) => {
      const field = groups.join(',');
      expect(new Set(groups).size).toBe(groups.length);
      expect(field.length).toBeLessThanOrEqual(MAX_GROUP_FIELD_LENGTH);
      expect(parseGroupField(field, 'call')).toEqual({ ok: true, groups, canonical: field });
    });

    it('accepts exactly 1024 and refuses 1025 for one name', () => {
      expect(parseGroupField('a'.repeat(1024), 'call').ok).toBe(true);
      const result = parseGroupField('a'.repeat(1025), 'call');
      expect(!result.ok && result.error).toMatchObject({ code: 'FSP_ERR_INVALID_GROUP_LIST', rule: 'too-long' });
      expect(!result.ok && result.error.message).toContain('1025 characters long, at most 1024 are allowed');
    });

    it('accepts exactly 1024 and refuses 1025 for many names', () => {
      const at1024 = names(205, 4).join(','); // 205 * 4 + 204 commas = 1024
      expect(at1024).toHaveLength(1024);
      expect(parseGroupField(at1024, 'pickup').ok).toBe(true);
      const at1025 = `${at1024.slice(0, -4)}gg999`;
      expect(at1025).toHaveLength(1025);
      const result = parseGroupField(at1025, 'pickup');
      expect(!result.ok && result.error).toMatchObject({ rule: 'too-long', kind: 'pickup', field: at1025 });
    });

    it('measures the canonical field: trimmed whitespace and dropped duplicates do not count', () => {
      const name = 'a'.repeat(1000);
      const field = `  ${name} , ${name},${name}  `;
      expect(field.length).toBeGreaterThan(MAX_GROUP_FIELD_LENGTH);
      expect(parseGroupField(field, 'call')).toEqual({ ok: true, groups: [name], canonical: name });
    });

    it('shortens a huge field in the message but keeps it whole in the error', () => {
      const field = 'x'.repeat(5000);
      const result = parseGroupField(field, 'call');
      expect(!result.ok && result.error.message.length).toBeLessThan(300);
      expect(!result.ok && result.error).toMatchObject({ field });
    });
  });

  it('round-trips: the canonical field parses to the same groups', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/).filter(isValidGroupName);
    fc.assert(
      fc.property(fc.array(name, { maxLength: 30 }), fc.constantFrom('', ' ', '\t'), (groups, pad) => {
        const first = parseGroupField(groups.map((g) => `${pad}${g}${pad}`).join(','), 'call');
        expect(first.ok).toBe(true);
        if (!first.ok) return;
        expect(first.groups).toEqual([...new Set(groups)]);
        expect(parseGroupField(first.canonical, 'call')).toEqual(first);
      }),
    );
  });

  it('never throws, and every accepted group is a valid name within the limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (field) => {
        const result = parseGroupField(field, 'call');
        if (!result.ok) return;
        expect(result.groups.every(isValidGroupName)).toBe(true);
        expect(result.canonical.length).toBeLessThanOrEqual(MAX_GROUP_FIELD_LENGTH);
      }),
    );
  });
});
