import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { Keys } from '../../src/store/keys.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { createRedis } from '../../src/store/redis-connection.ts';
import { startRedisCluster } from '../helpers/redis-cluster.ts';
import { startRedisServer } from '../helpers/redis-server.ts';
import { startSentinel } from '../helpers/redis-sentinel.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/** Writes and reads one user's preferences through a connection made from the controller's configuration. */
async function roundTrip(env: Record<string, string>): Promise<void> {
  const config = loadConfig(env);
  const redis = createRedis(config.redis, false);
  await redis.connect();
  cleanups.push(() => redis.quit());
  const store = new PreferenceStore(redis, new Keys(`t${randomUUID().slice(0, 8)}`));
  const user = { extension: '100', domain: 'pbx.test' };
  await store.setMany([{ user, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'] } }]);
  expect(await store.get(user)).toEqual({ ...EMPTY_PREFERENCES, callGroups: ['sales'] });
}

describe('Redis topologies from configuration (real servers)', () => {
  it('connects to a Redis Cluster from FSP_REDIS_CLUSTER_NODES', async () => {
    const cluster = await startRedisCluster();
    cleanups.push(() => cluster.stop());
    await roundTrip({ FSP_REDIS_CLUSTER_NODES: cluster.nodes.map((n) => `${n.host}:${n.port}`).join(',') });
  }, 30_000);

  it('finds the master through Redis Sentinel from FSP_REDIS_SENTINELS and FSP_REDIS_SENTINEL_NAME', async () => {
    const master = await startRedisServer();
    cleanups.push(() => master.stop());
    const sentinel = await startSentinel(master.port);
    cleanups.push(() => sentinel.stop());
    await roundTrip({ FSP_REDIS_SENTINELS: `${sentinel.host}:${sentinel.port}`, FSP_REDIS_SENTINEL_NAME: 'mymaster' });
  }, 30_000);
});
