import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { EMPTY_PREFERENCES } from '../src/domain/preferences.ts';
import { CallStore } from '../src/store/call-store.ts';
import { Keys } from '../src/store/keys.ts';
import { PreferenceStore } from '../src/store/preference-store.ts';
import { createRedis } from '../src/store/redis-connection.ts';
import { ControllerProcess } from '../test/helpers/controller-process.ts';
import { type Dialplan, FreeSwitchSimulator, SipNetwork } from '../test/simulator/index.ts';

/** Who is who in every pickup the benchmarks run: user 100 picks up calls of group "sales", which ring user 200. */
export const DOMAIN = 'pbx.test';
export const PICKER = '100';
export const RUNG = '200';
export const GROUP = 'sales';

/** One simulated FreeSWITCH node and the controller process serving it. */
export interface BenchNode {
  readonly name: string;
  readonly sim: FreeSwitchSimulator;
  readonly controller: ControllerProcess;
}

/** Simulated nodes on one SIP network, a controller process per node, all on one Redis under a fresh key prefix. */
export interface BenchCluster {
  readonly nodes: readonly BenchNode[];
  /** The bench's own connection to the controllers' Redis, and its view of their store. */
  readonly redis: Redis;
  readonly calls: CallStore;
  close(): Promise<void>;
}

export interface BenchClusterOptions {
  readonly redisUrl: string;
  readonly nodeCount: number;
  readonly timing: 'fast' | 'real';
  /** Extensions hunted before the product's dialplan (the simulator's `dialplan` option). */
  readonly dialplan?: Dialplan;
  /** More FSP_* settings for every controller. */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Starts the nodes and their controllers as users run them (`src/main.ts` in its own process, so that its event
 * loop is its own), wired as test/e2e/cluster-harness.ts does: the controller's pickup socket on a free port that
 * the node's `fs_pickup_controllers` names, the other nodes' event sockets as FSP_PEERS. Users 100 and 200 are set
 * before the controllers start, so their preferences are in memory from the first pickup.
 */
export async function startBenchCluster(options: BenchClusterOptions): Promise<BenchCluster> {
  const prefix = `bench${randomUUID().slice(0, 6)}`;
  const keys = new Keys(prefix);
  // A single server: its connection is a plain Redis.
  const redis = createRedis({ kind: 'single', url: options.redisUrl }) as Redis;
  await redis.connect();
  await new PreferenceStore(redis, keys).setMany([
    { user: { extension: PICKER, domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, pickupGroups: [GROUP] } },
    { user: { extension: RUNG, domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: [GROUP] } },
  ]);
  const network = new SipNetwork();
  const ips = Array.from({ length: options.nodeCount }, (_, i) => `10.0.0.${i + 1}`);
  const names = ips.map((_, i) => `bench-node${i + 1}`);
  const sims = names.map(
    (name, i) =>
      new FreeSwitchSimulator({
        timing: options.timing,
        switchname: name,
        sipNetwork: network,
        clusterSipAddress: `${ips[i]}:5090`,
        clusterAcl: ips,
        ...(options.dialplan ? { dialplan: options.dialplan } : {}),
      }),
  );
  const controllers: ControllerProcess[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(controllers.map((controller) => controller.stop()));
    await Promise.all(sims.map((sim) => sim.close()));
    redis.disconnect();
  };
  try {
    const eslPorts = await Promise.all(sims.map((sim) => sim.listen(0)));
    const nodes: BenchNode[] = [];
    for (const [i, sim] of sims.entries()) {
      const peers = names.flatMap((name, j) => (j === i ? [] : [{ name, eslHost: '127.0.0.1', eslPort: eslPorts[j] }]));
      const controller = await ControllerProcess.start({
        FSP_REDIS_URL: options.redisUrl,
        FSP_REDIS_KEY_PREFIX: prefix,
        FSP_ESL_HOST: '127.0.0.1',
        FSP_ESL_PORT: String(eslPorts[i]),
        FSP_NODE_NAME: names[i] as string,
        FSP_NODE_SIP_ADDRESS: `${ips[i]}:5090`,
        FSP_SOCKET_LISTEN: '127.0.0.1:0',
        // What production runs at: debug lines would cost the controller time the figures should not include.
        FSP_LOG_LEVEL: 'info',
        ...(peers.length > 0 ? { FSP_PEERS: JSON.stringify(peers) } : {}),
        ...options.env,
      });
      controllers.push(controller);
      sim.setGlobal('fs_pickup_controllers', await controller.socketAddress());
      nodes.push({ name: names[i] as string, sim, controller });
    }
    return { nodes, redis, calls: new CallStore(redis, keys), close };
  } catch (error) {
    await close();
    throw error;
  }
}
