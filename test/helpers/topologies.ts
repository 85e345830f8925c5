import type { Cluster, Redis } from 'ioredis';
import { type RedisClusterHandle, startRedisCluster } from './redis-cluster.ts';
import { testCluster, testRedis } from './redis-client.ts';

/** A Redis topology a store suite runs against: connect() may be called many times (one connection each). */
export interface Topology {
  readonly name: string;
  connect(): Promise<Redis | Cluster>;
  teardown(): Promise<void>;
}

/** A single Redis (the test run's own) and a local 3-master Redis Cluster started on first use. */
export function topologies(): Topology[] {
  let cluster: RedisClusterHandle | undefined;
  return [
    { name: 'a single Redis', connect: async () => testRedis().redis, teardown: async () => undefined },
    {
      name: 'a 3-master Redis Cluster',
      async connect() {
        cluster ??= await startRedisCluster();
        return testCluster(cluster.nodes);
      },
      async teardown() {
        await cluster?.stop();
        cluster = undefined;
      },
    },
  ];
}
