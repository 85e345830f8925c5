import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PickupNotice } from '../../../src/domain/notification.ts';
import { MAX_NOTICE_NAME_LENGTH, MAX_NOTICE_NUMBER_LENGTH, pickupNoticeText } from '../../../src/domain/notification.ts';

const notice = (fields: Partial<PickupNotice> = {}): PickupNotice => ({
  callerNumber: '5551234',
  callerName: 'Customer',
  group: 'sales',
  ringingSeconds: 20,
  prefix: '88',
  ...fields,
});

const text = (name: string, number: string, seconds = '20') =>
  `Call from ${name} (${number}) ringing in sales for ${seconds} s — dial 88sales to pick up`;

describe('pickupNoticeText', () => {
  it('reads as the example', () => {
    expect(pickupNoticeText(notice())).toBe('Call from Customer (5551234) ringing in sales for 20 s — dial 88sales to pick up');
  });

  it('uses the configured prefix and the group in the dial instruction', () => {
    expect(pickupNoticeText(notice({ prefix: '*8', group: 'Support-2', ringingSeconds: 5 }))).toBe(
      'Call from Customer (5551234) ringing in Support-2 for 5 s — dial *8Support-2 to pick up',
    );
  });

  it.each<[string, Partial<PickupNotice>, string]>([
    ['empty name', { callerName: '' }, text('unknown', '5551234')],
    ['empty number', { callerNumber: '' }, text('Customer', 'unknown')],
    ['whitespace only', { callerName: ' \t ', callerNumber: '\u00A0' }, text('unknown', 'unknown')],
    ['control characters only', { callerName: '\r\n\u0000', callerNumber: '\u007F\u0085' }, text('unknown', 'unknown')],
    ['"|" only', { callerName: '|||' }, text('unknown', '5551234')],
    ['CR LF injection', { callerName: 'Eve\r\nTo: all' }, text('EveTo: all', '5551234')],
    ['the chat field separator', { callerName: 'a|b', callerNumber: '555|1234' }, text('ab', '5551234')],
    ['tab and NUL', { callerName: 'Jane\tDoe\u0000' }, text('JaneDoe', '5551234')],
    ['bidi override and zero-width characters', { callerName: 'ab\u202Ecd\u200B\uFEFF' }, text('abcd', '5551234')],
    ['line and paragraph separators', { callerName: 'a\u2028b\u2029c' }, text('abc', '5551234')],
    ['lone surrogates', { callerName: 'a\uD800b\uDC00c' }, text('abc', '5551234')],
    ['space around', { callerName: '  Jane Doe  ', callerNumber: ' +49 30 1234 ' }, text('Jane Doe', '+49 30 1234')],
    ['letters of any script and emoji stay', { callerName: 'Zoë 😀 Müller' }, text('Zoë 😀 Müller', '5551234')],
    ['surrogate pairs stay whole', { callerName: '😀😀' }, text('😀😀', '5551234')],
  ])('cleans the caller: %s', (_label, fields, expected) => {
    expect(pickupNoticeText(notice(fields))).toBe(expected);
  });

  it.each<[string, number, string]>([
    ['whole seconds', 20, '20'],
    ['rounded down', 19.99, '19'],
    ['zero', 0, '0'],
    ['negative (clock skew)', -3, '0'],
    ['not a number', Number.NaN, '0'],
    ['infinite', Number.POSITIVE_INFINITY, '0'],
    ['long', 3600, '3600'],
    ['huge: digits, no exponent', 1e21, '1000000000000000000000'],
  ])('shows the ringing time: %s', (_label, ringingSeconds, shown) => {
    expect(pickupNoticeText(notice({ ringingSeconds }))).toBe(text('Customer', '5551234', shown));
  });

  describe('length caps', () => {
    it('keeps a name of exactly 40 and a number of exactly 32 characters', () => {
      const name = 'n'.repeat(MAX_NOTICE_NAME_LENGTH);
      const number = '1'.repeat(MAX_NOTICE_NUMBER_LENGTH);
      expect(pickupNoticeText(notice({ callerName: name, callerNumber: number }))).toBe(text(name, number));
    });

    it('cuts a longer name to 40 and number to 32 characters, ending in "…"', () => {
      const result = pickupNoticeText(notice({ callerName: 'n'.repeat(41), callerNumber: '1'.repeat(5000) }));
      expect(result).toBe(text(`${'n'.repeat(39)}…`, `${'1'.repeat(31)}…`));
    });

    it('counts characters, not UTF-16 units, and never cuts an emoji in half', () => {
      const result = pickupNoticeText(notice({ callerName: '😀'.repeat(50) }));
      expect(result).toBe(text(`${'😀'.repeat(39)}…`, '5551234'));
    });

    it('measures after cleaning: stripped characters do not count', () => {
      const name = `${'\u0000'.repeat(100)}${'n'.repeat(40)}`;
      expect(pickupNoticeText(notice({ callerName: name }))).toBe(text('n'.repeat(40), '5551234'));
    });

    it('does not leave a space before the "…"', () => {
      const name = `${'n'.repeat(38)} xyz`;
      expect(pickupNoticeText(notice({ callerName: name }))).toBe(text(`${'n'.repeat(38)}…`, '5551234'));
    });
  });

  // Any code point, with the dangerous ones made common: random code points would hardly ever hit them.
  const dangerous = fc.constantFrom('|', '\r', '\n', '\t', '\u0000', '\u007F', '\u0085', '\u202E', '\u200B', '\u2028', '\uD800', '\uDC00', ' ', '😀');
  const anyText = fc.string({ unit: fc.oneof(dangerous, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 120 });

  it('never contains "|", a control, format or line-breaking character, nor a lone surrogate, whatever the inputs', () => {
    const anyNotice = fc.record({ callerNumber: anyText, callerName: anyText, group: anyText, ringingSeconds: fc.double(), prefix: anyText });
    fc.assert(
      fc.property(anyNotice, (input) => {
        const result = pickupNoticeText(input);
        expect(result).not.toMatch(/[|\r\n\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
        expect(() => encodeURIComponent(result)).not.toThrow(); // throws on a lone surrogate
        expect(result).toMatch(/^Call from .+ \(.+\) ringing in .* for \d+ s — dial .* to pick up$/su);
      }),
      { numRuns: 500 },
    );
  });

  // One untrusted field at a time, so that the field can be read back from the text.
  it.each<[string, keyof PickupNotice, number, (shown: string) => string]>([
    ['name', 'callerName', MAX_NOTICE_NAME_LENGTH, (shown) => text(shown, '5551234')],
    ['number', 'callerNumber', MAX_NOTICE_NUMBER_LENGTH, (shown) => text('Customer', shown)],
  ])('shows a caller %s that is never empty, never longer than its cap, and never padded', (_label, field, cap, expected) => {
    const [before = '', after = ''] = expected('\u0000').split('\u0000');
    fc.assert(
      fc.property(anyText, (value) => {
        const result = pickupNoticeText(notice({ [field]: value }));
        expect(result.startsWith(before) && result.endsWith(after)).toBe(true);
        const shown = result.slice(before.length, result.length - after.length);
        expect(shown).not.toBe('');
        expect(shown).toBe(shown.trim());
        expect(Array.from(shown).length).toBeLessThanOrEqual(cap);
      }),
      { numRuns: 500 },
    );
  });
});
