import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeSeparatedField } from '../../../src/esl/separated-field.ts';
import { separateString } from '../../simulator/separate-string.ts';

// What FreeSWITCH's splitter does to text that nobody escaped (the model of switch_separate_string).
describe('switch_separate_string as the simulator models it', () => {
  it('splits on the delimiter, keeps a quoted run whole and drops the quotes', () => {
    expect(separateString("sip|a|'b|c'|d", '|', 5)).toEqual(['sip', 'a', 'b|c', 'd']);
  });

  it('turns \\n into a line break and drops other escapes', () => {
    expect(separateString('a\\nb|c\\|d|e\\\\f', '|', 5)).toEqual(['a\nb', 'c|d', 'e\\f']);
  });

  it('keeps the rest of the text in the last field', () => {
    expect(separateString('a|b|c', '|', 2)).toEqual(['a', 'b|c']);
  });

  it('trims each field, and a lone quote stays', () => {
    expect(separateString("  a  | O'Brien ", '|', 5)).toEqual(['a', "O'Brien"]);
  });
});

describe('escapeSeparatedField', () => {
  it('caller text arrives exactly as it was, whatever quotes, backslashes and delimiters it holds', () => {
    const fragment = fc.constantFrom("'", '\\', '|', '\\n', '\\s', '"', '${x}', '%0a', ' ', 'é', '\u{1F600}');
    const text = fc.array(fc.oneof(fragment, fc.string({ maxLength: 6 })), { maxLength: 12 }).map((parts) => parts.join('').replace(/[\u0000-\u001f\u007f]/g, '').trim());
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (fields) => {
        const argument = fields.map((field) => escapeSeparatedField(field, '|')).join('|');
        expect(separateString(argument, '|', fields.length)).toEqual(fields);
      }),
      { numRuns: 2000 },
    );
  });

  it('unescaped, the same text would be changed (why the escaping is needed)', () => {
    const name = "O'Brien's \\n desk";
    expect(separateString(`sip|${name}|text/plain`, '|', 5)[1]).not.toBe(name);
    expect(separateString(`sip|${escapeSeparatedField(name, '|')}|text/plain`, '|', 5)[1]).toBe(name);
  });

  it('leaves plain text as it is', () => {
    expect(escapeSeparatedField('Call from Customer (5551234) ringing in sales for 20 s — dial 88sales to pick up', '|')).toBe(
      'Call from Customer (5551234) ringing in sales for 20 s — dial 88sales to pick up',
    );
  });
});
