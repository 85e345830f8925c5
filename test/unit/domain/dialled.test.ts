import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DialledRejection, PickupTarget } from '../../../src/domain/dialled.ts';
import { MAX_DIALLED_LENGTH, parseDialled, validatePickupPrefix } from '../../../src/domain/dialled.ts';

const SAFE = /^[A-Za-z0-9_-]+$/;

/** Every string inside a target. */
function stringsOf(target: PickupTarget): string[] {
  return Object.entries(target).flatMap(([key, value]) => (key === 'kind' ? [] : [String(value)]));
}

describe('parseDialled: the forms', () => {
  const accepted: [string, string, PickupTarget][] = [
    ['88sales', '88', { kind: 'group', group: 'sales' }],
    ['88*sales', '88', { kind: 'group', group: 'sales' }], // BLF speed-dial form
    ['88Sales', '88', { kind: 'group', group: 'Sales' }], // case kept
    ['88CG_5', '88', { kind: 'group', group: 'CG_5' }], // cg_ is case-sensitive
    ['88team-1_a', '88', { kind: 'group', group: 'team-1_a' }],
    ['882a', '88', { kind: 'group', group: '2a' }],
    ['88-', '88', { kind: 'group', group: '-' }],
    ['88200', '88', { kind: 'extension', extension: '200' }],
    ['88*200', '88', { kind: 'extension', extension: '200' }],
    ['880', '88', { kind: 'extension', extension: '0' }],
    ['888', '88', { kind: 'extension', extension: '8' }],
    ['88cg_5', '88', { kind: 'queue', queueId: '5' }],
    ['88*cg_5', '88', { kind: 'queue', queueId: '5' }],
    ['88cg_support', '88', { kind: 'queue', queueId: 'support' }],
    ['88cg_cg_', '88', { kind: 'queue', queueId: 'cg_' }],
    ['88', '88', { kind: 'legacy-group' }],
    ['88*', '88', { kind: 'my-groups' }], // the picker's own pickup groups, in their order
    // configurable prefixes
    ['*8sales', '*8', { kind: 'group', group: 'sales' }],
    ['*8*sales', '*8', { kind: 'group', group: 'sales' }],
    ['*8200', '*8', { kind: 'extension', extension: '200' }],
    ['*8', '*8', { kind: 'legacy-group' }],
    ['*8*', '*8', { kind: 'my-groups' }],
    ['88*', '88*', { kind: 'legacy-group' }], // the prefix itself ends in "*": nothing follows it
    ['#5sales', '#5', { kind: 'group', group: 'sales' }],
    ['#5*cg_7', '#5', { kind: 'queue', queueId: '7' }],
    ['7sales', '7', { kind: 'group', group: 'sales' }],
    ['12345678sales', '12345678', { kind: 'group', group: 'sales' }],
    ['88*sales', '88*', { kind: 'group', group: 'sales' }],
    ['88**sales', '88*', { kind: 'group', group: 'sales' }],
    [`88*${'a'.repeat(1024)}`, '88', { kind: 'group', group: 'a'.repeat(1024) }],
    [`12345678*${'a'.repeat(1024)}`, '12345678', { kind: 'group', group: 'a'.repeat(1024) }],
  ];

  it.each(accepted)('%j with prefix %j', (dialled, prefix, target) => {
    expect(parseDialled(dialled, prefix)).toEqual({ ok: true, target });
  });

  const rejected: [string, string, DialledRejection][] = [
    ['', '88', 'not-feature-code'],
    ['8', '88', 'not-feature-code'],
    ['200', '88', 'not-feature-code'],
    ['sales', '88', 'not-feature-code'],
    ['*88sales', '88', 'not-feature-code'],
    [' 88sales', '88', 'not-feature-code'],
    ['８８sales', '88', 'not-feature-code'], // fullwidth digits
    ['88sales', '*8', 'not-feature-code'],
    ['#5sales', '*5', 'not-feature-code'],
    ['88**sales', '88', 'invalid-characters'], // only one '*' is skipped
    ['88sales*', '88', 'invalid-characters'],
    ['88sa*les', '88', 'invalid-characters'],
    ['88#', '88', 'invalid-characters'],
    ['88sales ', '88', 'invalid-characters'],
    ['88 sales', '88', 'invalid-characters'],
    ['88sales\n', '88', 'invalid-characters'],
    ['88sales\r\nevent-lock: true', '88', 'invalid-characters'],
    ['88${system(rm)}', '88', 'invalid-characters'],
    ['88sales%0A', '88', 'invalid-characters'],
    ['88{x}', '88', 'invalid-characters'],
    ['88a:b', '88', 'invalid-characters'],
    ['88sales@host', '88', 'invalid-characters'],
    ['88café', '88', 'invalid-characters'],
    ['88s\u0430les', '88', 'invalid-characters'],
    ['88٢٠٠', '88', 'invalid-characters'],
    ['88😀', '88', 'invalid-characters'],
    ['88\u0000', '88', 'invalid-characters'],
    ['88\uD800', '88', 'invalid-characters'],
    ['88cg_é', '88', 'invalid-characters'],
    ['88cg_', '88', 'invalid-queue-id'],
    ['88*cg_', '88', 'invalid-queue-id'],
    [`88${'a'.repeat(1025)}`, '88', 'too-long'],
    [`88*${'a'.repeat(1025)}`, '88', 'too-long'],
    ['x'.repeat(MAX_DIALLED_LENGTH + 1), '88', 'too-long'],
    [`88${'a'.repeat(5000)}`, '88', 'too-long'],
  ];

  it.each(rejected)('refuses %j with prefix %j: %s', (dialled, prefix, rejection) => {
    expect(parseDialled(dialled, prefix)).toEqual({ ok: false, rejection });
  });

  it('allows the longest prefix, a "*" and a 1024-character name, and nothing longer', () => {
    expect(MAX_DIALLED_LENGTH).toBe(8 + 1 + 1024);
  });
});

describe('parseDialled: untrusted input', () => {
  const hostile = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)), maxLength: 60 }),
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', '_', '-', '*', '#', ' ', '\n', '\r', '%', '$', '{', '}', ':', '@', 'c', 'g'), maxLength: 40 }),
    fc.constantFrom('${', '%(', '\r\n\r\n', '\u202E', '\uFEFF').chain((bad) => fc.string({ maxLength: 20 }).map((s) => s + bad + s)),
    fc.integer({ min: 1000, max: 6000 }).map((n) => 'a'.repeat(n)),
    fc.integer({ min: 1000, max: 6000 }).map((n) => `88${'9'.repeat(n)}`),
  );
  const withPrefix = fc.tuple(fc.constantFrom('88', '*8', '#5', '88*', '12345678'), fc.constantFrom('', '*'), hostile);

  it('never throws, and an ok result holds only [A-Za-z0-9_-] of bounded length', () => {
    fc.assert(
      fc.property(withPrefix, ([prefix, star, rest]) => {
        const result = parseDialled(prefix + star + rest, prefix);
        if (!result.ok) return;
        for (const value of stringsOf(result.target)) {
          expect(value).toMatch(SAFE);
          expect(value.length).toBeLessThanOrEqual(1024);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on any string with any prefix', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', maxLength: 8 }), (dialled, prefix) => {
        const result = parseDialled(dialled, prefix);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  it('accepts 88<x> and 88*<x> alike (x not empty, not starting with "*")', () => {
    fc.assert(
      fc.property(hostile.filter((rest) => rest !== '' && !rest.startsWith('*')), (rest) => {
        expect(parseDialled(`88*${rest}`, '88')).toEqual(parseDialled(`88${rest}`, '88'));
      }),
    );
  });

  it('reads 88* as the own pickup groups only with nothing after the "*": never a group, extension or queue', () => {
    fc.assert(
      fc.property(fc.constantFrom('88', '*8', '#5', '7'), hostile, (prefix, rest) => {
        const parsed = parseDialled(`${prefix}*${rest}`, prefix);
        expect(parsed.ok && parsed.target.kind === 'my-groups').toBe(rest === '');
        if (rest !== '' && parsed.ok) expect(parsed.target.kind).not.toBe('legacy-group');
      }),
    );
    // No group name is empty, so no group is lost to the form.
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/).filter((name) => !/^[0-9]+$/.test(name) && !name.startsWith('cg_')), (name) => {
      expect(parseDialled(`88*${name}`, '88')).toEqual({ ok: true, target: { kind: 'group', group: name } });
    }));
  });
});

describe('validatePickupPrefix', () => {
  it.each(['88', '8', '*8', '#5', '*', '#', '0', '12345678', '**##', '88*'])('accepts %j', (prefix) => {
    expect(validatePickupPrefix(prefix)).toBeUndefined();
  });

  it.each(['', '123456789', 'a8', '8 ', ' 8', '8\n', '８８', '+8', '8-', 'cg_'])('refuses %j', (prefix) => {
    expect(validatePickupPrefix(prefix)).toBe(
      `pickup prefix ${JSON.stringify(prefix)} is invalid: use 1 to 8 of the characters 0-9, "*" and "#"`,
    );
  });
});
