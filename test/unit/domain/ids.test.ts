import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidIdError, InvalidIdListError } from '../../../src/domain/errors.ts';
import type { IdKind, IdRule } from '../../../src/domain/ids.ts';
import { MAX_ID_LENGTH, parseIdField } from '../../../src/domain/ids.ts';

const KINDS: IdKind[] = ['acl-group', 'pickup-queue'];

// Valid for both kinds: digits only is fine (WMS ids are numbers), so are names.
const VALID_IDS = ['12', '0', '007', 'Office', 'office_2', 'a-b', '_', '-', 'CG_5', 'Cg_5', 'cg', 'cg-5', 'x'.repeat(64), '9'.repeat(64)];

const INVALID_IDS: [string, IdRule, string?][] = [
  ['a b', 'invalid-character', ' '],
  ['12.5', 'invalid-character', '.'],
  ['a|b', 'invalid-character', '|'],
  ['a:b', 'invalid-character', ':'],
  ['{x}', 'invalid-character', '{'],
  ['café', 'invalid-character', 'é'],
  ['\u212A1', 'invalid-character', '\u212A'], // Kelvin sign
  ['１２', 'invalid-character', '１'], // fullwidth digits
  ['q😀', 'invalid-character', '😀'],
  ['a\u0000', 'invalid-character', '\u0000'],
  ['a\u200Bb', 'invalid-character', '\u200B'],
  [`${'x'.repeat(64)}é`, 'invalid-character', 'é'], // characters are checked before the length
  ['x'.repeat(65), 'too-long'],
  ['1'.repeat(1000), 'too-long'],
];

describe('parseIdField', () => {
  describe.each(KINDS)('%s', (kind) => {
    it.each(VALID_IDS)('accepts %j', (id) => {
      expect(parseIdField(id, kind)).toEqual({ ok: true, ids: [id], canonical: id });
    });

    it.each(INVALID_IDS)('refuses %j: %s', (id, rule, found) => {
      const result = parseIdField(`1,${id},2`, kind);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toBeInstanceOf(InvalidIdError);
      expect(result.error).toMatchObject({ code: 'FSP_ERR_INVALID_ID', kind, entry: id, rule, found });
    });

    it.each<[string, string[]]>([
      ['', []],
      [' \t', []],
      ['12', ['12']],
      [' 12 , 7 ', ['12', '7']],
      ['12,7,12', ['12', '7']],
      ['a,A', ['a', 'A']], // case-sensitive
    ])('parses %j', (field, ids) => {
      expect(parseIdField(field, kind)).toEqual({ ok: true, ids, canonical: ids.join(',') });
    });

    it.each(['1,,2', ',1', '1,', ',', ' , '])('refuses the empty entry in %j', (field) => {
      const result = parseIdField(field, kind);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toBeInstanceOf(InvalidIdListError);
      expect(result.error).toMatchObject({ code: 'FSP_ERR_INVALID_ID_LIST', kind, field, rule: 'empty-entry' });
    });

    it('accepts a canonical field of exactly 1024 characters and refuses 1025', () => {
      const ids = Array.from({ length: 205 }, (_, i) => i.toString().padStart(4, '0')); // 205 * 4 + 204 commas
      const at1024 = ids.join(',');
      expect(at1024).toHaveLength(1024);
      expect(parseIdField(at1024, kind)).toEqual({ ok: true, ids, canonical: at1024 });
      const at1025 = `0${at1024}`; // its first id is 00000
      expect(at1025).toHaveLength(1025);
      const result = parseIdField(at1025, kind);
      expect(!result.ok && result.error).toMatchObject({ code: 'FSP_ERR_INVALID_ID_LIST', kind, rule: 'too-long', field: at1025 });
      expect(!result.ok && result.error.message).toContain('the ids joined with "," are 1025 characters long, at most 1024 are allowed');
    });

    it('never throws, and every accepted id is 1 to 64 identifier characters within the limit', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (field) => {
          const result = parseIdField(field, kind);
          if (!result.ok) return;
          expect(result.ids.every((id) => /^[A-Za-z0-9_-]{1,64}$/.test(id))).toBe(true);
          expect(result.canonical.length).toBeLessThanOrEqual(1024);
          expect(parseIdField(result.canonical, kind)).toEqual(result);
        }),
      );
    });
  });

  it.each(['cg_5', 'cg_', 'cg_cg_1'])('refuses the queue id %j: the "cg_" prefix is not part of it', (id) => {
    expect(parseIdField(id, 'acl-group').ok).toBe(true);
    const result = parseIdField(id, 'pickup-queue');
    expect(!result.ok && result.error).toMatchObject({ code: 'FSP_ERR_INVALID_ID', rule: 'reserved-prefix', entry: id });
    expect(!result.ok && result.error.message).toBe(
      `pickup queue ${JSON.stringify(id)} is invalid: write the queue id without "cg_": it is what follows "cg_" in 88cg_<id>`,
    );
  });

  it.each<[IdKind, string, string]>([
    ['acl-group', 'a b', 'ACL group "a b" is invalid: only Latin letters, digits, "_" and "-" are allowed (found " ")'],
    ['pickup-queue', 'q'.repeat(65), `pickup queue "${'q'.repeat(65)}" is invalid: an id has at most ${MAX_ID_LENGTH} characters, this one has 65`],
    ['acl-group', '1,,2', 'ACL groups "1,,2" are invalid: an entry is empty (two commas in a row, or a comma at the start or end)'],
    ['pickup-queue', ',', 'pickup queues "," are invalid: an entry is empty (two commas in a row, or a comma at the start or end)'],
  ])('names the %s field, the entry and the rule: %j', (kind, field, message) => {
    const result = parseIdField(field, kind);
    expect(!result.ok && result.error.message).toBe(message);
  });
});
