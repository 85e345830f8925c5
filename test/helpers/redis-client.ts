import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';
import { Keys } from '../../src/store/keys.ts';
import { defineScripts } from '../../src/store/scripts.ts';

/** A connection to the test run's own redis-server, with the scripts defined, and a key prefix of its own. */
export function testRedis(): { redis: Redis; keys: Keys; prefix: string; url: string } {
  const url = inject('redisUrl');
  const redis = new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
  defineScripts(redis);
  const prefix = `t${randomUUID().slice(0, 8)}`;
  return { redis, keys: new Keys(prefix), prefix, url };
}

/** Every key under a prefix (SCAN, so it works while other tests run). */
export async function keysUnder(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    found.push(...batch);
  } while (cursor !== '0');
  return found.sort();
}
