import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFlag } from '../../../src/domain/flags.ts';

describe('parseFlag', () => {
  it.each<[string | boolean, boolean]>([
    [true, true],
    [false, false],
    ['yes', true],
    ['no', false],
    ['true', true],
    ['false', false],
    ['on', true],
    ['off', false],
    ['1', true],
    ['0', false],
    ['YES', true],
    ['No', false],
    ['TrUe', true],
    ['FALSE', false],
    ['On', true],
    ['OFF', false],
    [' yes ', true],
    ['\t0\n', false],
  ])('reads %j as %s', (value, expected) => {
    expect(parseFlag(value)).toBe(expected);
  });

  it.each(['', ' ', 'y', 'n', 'ja', 'nein', '2', '01', '1.0', '-1', 'yes!', 'y e s', 'enabled', 'true false', 'yes,no',
    'constructor', 'toString', '__proto__', 'hasOwnProperty', 'ｙｅｓ', 'ye\u0073\u0307', 'o\u0000n'])(
    'refuses %j',
    (value) => {
      expect(parseFlag(value)).toBeUndefined();
    },
  );

  it('accepts exactly the eight words, in any case, with whitespace around', () => {
    const words = ['yes', 'no', 'true', 'false', 'on', 'off', '1', '0'];
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (value) => {
        const word = value.trim().toLowerCase();
        expect(parseFlag(value)).toBe(words.includes(word) ? ['yes', 'true', 'on', '1'].includes(word) : undefined);
      }),
    );
  });
});
