/**
 * The suite's randomness comes from one seed, printed at the start and replayed with CHAOS_SEED=<n>: traffic, fuzz
 * mutations and fast-check all derive from it, so a failure reproduces.
 */

/** The run's seed: CHAOS_SEED when set, else a fresh one. */
export function runSeed(): number {
  const given = process.env.CHAOS_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`CHAOS_SEED must be a non-negative integer, got ${JSON.stringify(given)}`);
    return seed >>> 0;
  }
  return Math.floor(Math.random() * 2 ** 32);
}

/** A seed of its own per scenario, so that scenarios do not shift each other's random streams. */
export function scenarioSeed(seed: number, scenario: string): number {
  let hash = seed ^ 0x9e3779b9;
  for (const char of scenario) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash >>> 0;
}

/** A small fast PRNG (mulberry32): uniform in [0, 1). */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
}
