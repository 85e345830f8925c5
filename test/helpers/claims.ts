import type { ClaimStrategy } from '../../src/domain/candidates.ts';
import type { CallStore, CandidateIndex, ClaimedCall, ClaimRequest } from '../../src/store/call-store.ts';

/** A claim with no preference guard and nothing tried before, for tests of the store itself. */
export function claimRequest(domain: string, index: CandidateIndex, pickerUuid: string, strategy: ClaimStrategy, random: number, deadNodes: Iterable<string>, extra: Partial<ClaimRequest> = {}): ClaimRequest {
  return { domain, index, pickerUuid, strategy, random, deadNodes, tried: [], preferenceRevisions: new Map(), ...extra };
}

/** Claims as `claimRequest` describes; a 'stale' reply (impossible without guards) fails the test. */
export async function claimOne(store: CallStore, ...args: Parameters<typeof claimRequest>): Promise<ClaimedCall | undefined> {
  const claimed = await store.claim(claimRequest(...args));
  if (claimed === 'stale') throw new Error('unexpected stale claim');
  return claimed;
}
