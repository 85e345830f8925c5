/** How one call is chosen among several pickable ones: at random (the spec) or the longest ringing. */
export type ClaimStrategy = 'random' | 'oldest';

const CLAIM_STRATEGIES: readonly ClaimStrategy[] = ['random', 'oldest'];

/** Reads a claim strategy from configuration (exact, lower case); undefined if unknown. */
export function parseClaimStrategy(value: string): ClaimStrategy | undefined {
  return CLAIM_STRATEGIES.find((strategy) => strategy === value);
}

/**
 * Index in [0, count) of the chosen candidate, given candidates sorted oldest first and a uniform random number in
 * [0,1). The Redis claim script applies the same formula (floor(random * count) + 1 in Lua), so keep it this simple.
 * Throws RangeError if count is not a positive integer or random is outside [0,1): both are programming errors.
 */
export function chooseCandidateIndex(count: number, strategy: ClaimStrategy, random: number): number {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`candidate count must be a positive integer, got ${count}`);
  if (!(random >= 0 && random < 1)) throw new RangeError(`random must be in [0, 1), got ${random}`);
  return strategy === 'oldest' ? 0 : Math.floor(random * count);
}
