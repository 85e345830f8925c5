import { randomUUID } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';
import { inject } from 'vitest';
import { Keys } from '../../src/store/keys.ts';
import { defineScripts } from '../../src/store/scripts.ts';

/** A connection to the test run's own redis-server, with the scripts defined, and a key prefix of its own. */
export function testRedis(url: string = inject('redisUrl')): { redis: Redis; keys: Keys; prefix: string; url: string } {
  const redis = new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // outage tests stop Redis on purpose
  defineScripts(redis);
  const prefix = `t${randomUUID().slice(0, 8)}`;
  return { redis, keys: new Keys(prefix), prefix, url };
}

/** A connection to a Redis Cluster started by the test, with the scripts defined. */
export function testCluster(nodes: ReadonlyArray<{ host: string; port: number }>): Cluster {
  const cluster = new Cluster([...nodes], { redisOptions: { maxRetriesPerRequest: 1 } });
  defineScripts(cluster);
  return cluster;
}

/** Every key under a prefix (SCAN on every master, so it works on a Cluster and while other tests run). */
export async function keysUnder(redis: Redis | Cluster, prefix: string): Promise<string[]> {
  const masters = redis instanceof Cluster ? redis.nodes('master') : [redis];
  const found: string[] = [];
  for (const node of masters) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
  }
  return found.sort();
}
