/** What the store leaves in Redis: bytes per ringing call, and keys that would never expire. */
import type { Cluster, Redis } from 'ioredis';
import type { Keys } from '../../src/store/keys.ts';
import { keysUnder } from '../helpers/redis-client.ts';

/**
 * Permanent by design and left out of the TTL check: the users' preferences (`:user:<ext>`, `:users`, `:domains`,
 * which only pickupctl removes) and the cluster's node records (`:node:<name>`, `:nodes`, `:nodes:alive`: one per
 * FreeSWITCH node, not per call).
 */
const PERMANENT = /:user:|:users$|:domains$|:node:[^:]+$|:nodes(:alive)?$/;

/** Keys under the prefix, permanent ones excluded, that have no TTL. */
export async function keysWithoutTtl(redis: Redis | Cluster, prefix: string): Promise<{ checked: number; withoutTtl: string[] }> {
  const keys = (await keysUnder(redis, prefix)).filter((key) => !PERMANENT.test(key));
  const ttls = await Promise.all(keys.map((key) => redis.ttl(key)));
  return { checked: keys.length, withoutTtl: keys.filter((_, i) => ttls[i] === -1) };
}

/**
 * Redis memory one ringing call costs: MEMORY USAGE of its hash and its legs' hash, plus its share of every index it
 * sits in (the index's MEMORY USAGE over its number of members) and of its node's call set. Averaged over `sample`
 * calls of the domain that ring now (SCAN, so the figure is taken while traffic runs).
 */
export async function bytesPerRingingCall(redis: Redis, keys: Keys, domain: string, node: string, sample: number): Promise<{ calls: number; bytes: number; callHashes: number; indexShares: number }> {
  const base = keys.domainBase(domain);
  const calls: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${base}call:*`, 'COUNT', 1000);
    cursor = next;
    calls.push(...batch.filter((key) => !key.endsWith(':legs')));
  } while (cursor !== '0' && calls.length < sample * 4);
  const perIndexMember = new Map<string, number>();
  const shareOf = async (key: string, count: (key: string) => Promise<number>): Promise<number> => {
    if (!perIndexMember.has(key)) {
      const [bytes, members] = await Promise.all([redis.memory('USAGE', key, 'SAMPLES', 0), count(key)]);
      perIndexMember.set(key, members > 0 ? Number(bytes ?? 0) / members : 0);
    }
    return perIndexMember.get(key) as number;
  };
  let callHashes = 0;
  let indexShares = 0;
  let measuredCalls = 0;
  for (const callKey of calls) {
    if (measuredCalls >= sample) break;
    const fields = await redis.hgetall(callKey);
    if (fields.state !== 'ringing') continue;
    const legs = await redis.hvals(`${callKey}:legs`);
    const [hashBytes, legsBytes] = await Promise.all([redis.memory('USAGE', callKey, 'SAMPLES', 0), redis.memory('USAGE', `${callKey}:legs`, 'SAMPLES', 0)]);
    callHashes += Number(hashBytes ?? 0) + Number(legsBytes ?? 0);
    const indexes = [...(fields.groups ?? '').split(',').filter(Boolean).map((group) => keys.groupIndex(domain, group)), ...legs.map((ext) => keys.extensionIndex(domain, ext))];
    for (const index of indexes) indexShares += await shareOf(index, (key) => redis.zcard(key));
    indexShares += await shareOf(keys.nodeCalls(fields.node ?? node), (key) => redis.scard(key));
    measuredCalls++;
  }
  return { calls: measuredCalls, bytes: measuredCalls === 0 ? 0 : (callHashes + indexShares) / measuredCalls, callHashes: measuredCalls === 0 ? 0 : callHashes / measuredCalls, indexShares: measuredCalls === 0 ? 0 : indexShares / measuredCalls };
}
