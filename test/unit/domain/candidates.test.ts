import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseCandidateIndex, parseClaimStrategy } from '../../../src/domain/candidates.ts';

describe('parseClaimStrategy', () => {
  it.each([['random', 'random'], ['oldest', 'oldest']])('%j', (value, strategy) => {
    expect(parseClaimStrategy(value)).toBe(strategy);
  });

  it.each(['', 'Random', 'OLDEST', ' random', 'newest', 'first', 'constructor', 'toString'])('refuses %j', (value) => {
    expect(parseClaimStrategy(value)).toBeUndefined();
  });
});

describe('chooseCandidateIndex', () => {
  it.each([
    [1, 0, 0],
    [1, 0.999999, 0],
    [4, 0, 0],
    [4, 0.2499, 0],
    [4, 0.25, 1],
    [4, 0.5, 2],
    [4, 0.75, 3],
    [4, 1 - Number.EPSILON / 2, 3], // largest double below 1
    [3, 1 - Number.EPSILON / 2, 2],
  ])('random: count %d, random %d -> %d', (count, random, index) => {
    expect(chooseCandidateIndex(count, 'random', random)).toBe(index);
  });

  it('oldest always takes the first (oldest) candidate', () => {
    expect(chooseCandidateIndex(5, 'oldest', 0.9)).toBe(0);
  });

  it('stays in [0, count) and matches the Lua formula floor(random * count) + 1 - 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (count, random) => {
        const index = chooseCandidateIndex(count, 'random', random);
        expect(Number.isInteger(index)).toBe(true);
        expect(index).toBeGreaterThanOrEqual(0);
        expect(index).toBeLessThan(count);
        expect(index).toBe(Math.floor(random * count));
      }),
    );
  });

  it.each([
    [0, 0.5],
    [-1, 0.5],
    [1.5, 0.5],
    [Number.NaN, 0.5],
    [Number.POSITIVE_INFINITY, 0.5],
    [3, 1],
    [3, -0.1],
    [3, Number.NaN],
  ])('throws RangeError for count %d, random %d', (count, random) => {
    expect(() => chooseCandidateIndex(count, 'random', random)).toThrow(RangeError);
  });
});
