import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { CallStore } from '../../src/store/call-store.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { ControllerProcess } from '../helpers/controller-process.ts';
import type { Cluster, Redis } from 'ioredis';
import { Keys } from '../../src/store/keys.ts';
import { keysUnder, testCluster, testRedis } from '../helpers/redis-client.ts';
import { FreeSwitchSimulator, SipNetwork, type SimulatorOptions } from '../simulator/index.ts';
import { PICKUP_OUTCOMES, startServing } from './harness.ts';

export { setUsers as setClusterUsers } from './harness.ts';

/** One simulated FreeSWITCH node of the cluster and the controllers serving it. */
export interface ClusterNode {
  readonly name: string;
  readonly sim: FreeSwitchSimulator;
  readonly sipAddress: string;
  readonly env: Record<string, string>;
  controllers: ControllerProcess[];
}

/** Two (or more) simulated nodes on one SIP network, controllers per node, a real Redis. */
export interface ClusterBed {
  readonly nodes: ClusterNode[];
  readonly calls: CallStore;
  readonly preferences: PreferenceStore;
  readonly prefix: string;
  /** Every controller of every node. */
  controllers(): ControllerProcess[];
  /** Keys of this bed other than preferences and node records. */
  callKeys(): Promise<string[]>;
  /** Of those, the keys without a TTL: once no call rings there must be none. */
  keysWithoutTtl(): Promise<string[]>;
  addController(node: ClusterNode): Promise<ControllerProcess>;
  close(): Promise<void>;
}

export const CLUSTER_IPS = ['10.0.0.1', '10.0.0.2', '10.0.0.3'];

/** Starts `nodeCount` simulators on one SipNetwork and `controllersPerNode` controller processes each. */
export async function startClusterBed(
  options: {
    nodeCount?: number;
    controllersPerNode?: number;
    env?: Record<string, string>;
    redisCluster?: ReadonlyArray<{ host: string; port: number }>;
    /** What a node's controllers announce as its cluster SIP address, when it should differ from where it listens. */
    announcedSipAddress?: Record<number, string>;
    /** More settings of every node's simulator (its directory, FreeSWITCH's own presence, …). */
    simulator?: Omit<SimulatorOptions, 'switchname' | 'sipNetwork' | 'clusterSipAddress' | 'clusterAcl'>;
  } = {},
): Promise<ClusterBed> {
  const network = new SipNetwork();
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const keys = new Keys(prefix);
  // The controllers and the test's own client use the same Redis: the run's single server, or a Redis Cluster.
  const redis: Redis | Cluster = options.redisCluster ? testCluster(options.redisCluster) : testRedis().redis;
  const redisEnv: Record<string, string> = options.redisCluster ? { FSP_REDIS_CLUSTER_NODES: options.redisCluster.map((n) => `${n.host}:${n.port}`).join(',') } : { FSP_REDIS_URL: inject('redisUrl') };
  const nodeCount = options.nodeCount ?? 2;
  const acl = CLUSTER_IPS.slice(0, nodeCount);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < nodeCount; i++) {
    const name = `node${i + 1}-${randomUUID().slice(0, 4)}`;
    const sipAddress = `${CLUSTER_IPS[i]}:5090`;
    const sim = new FreeSwitchSimulator({ parkTickMs: 5, ...options.simulator, switchname: name, sipNetwork: network, clusterSipAddress: sipAddress, clusterAcl: acl });
    const port = await sim.listen(0);
    const env = {
      ...redisEnv,
      FSP_REDIS_KEY_PREFIX: prefix,
      FSP_ESL_HOST: '127.0.0.1',
      FSP_ESL_PORT: String(port),
      FSP_ESL_PASSWORD: 'ClueCon',
      FSP_NODE_NAME: name,
      FSP_NODE_SIP_ADDRESS: options.announcedSipAddress?.[i] ?? sipAddress,
      FSP_SOCKET_LISTEN: '127.0.0.1:0',
      ...options.env,
    };
    nodes.push({ name, sim, sipAddress, env, controllers: [] });
  }
  const bed: ClusterBed = {
    nodes,
    calls: new CallStore(redis, keys),
    preferences: new PreferenceStore(redis, keys),
    prefix,
    controllers: () => nodes.flatMap((node) => node.controllers),
    async callKeys() {
      return (await keysUnder(redis, prefix)).filter((key) => !/:user:|:users$|:domains$|:node:[^:]+$|:nodes(:alive)?$/.test(key));
    },
    async keysWithoutTtl() {
      const keysLeft = await bed.callKeys();
      const ttls = await Promise.all(keysLeft.map((key) => redis.ttl(key)));
      return keysLeft.filter((_, i) => ttls[i] === -1);
    },
    async addController(node) {
      // The other nodes' event sockets: a hand-off puts its token into the call node's hash.
      const peers = nodes.filter((other) => other !== node).map((other) => ({ name: other.name, eslHost: '127.0.0.1', eslPort: Number(other.env.FSP_ESL_PORT) }));
      const controller = await startServing(node.sim, { ...node.env, FSP_PEERS: JSON.stringify(peers) });
      node.controllers.push(controller);
      // The node's dialplan tries its controllers in order (host:port|host:port).
      node.sim.setGlobal('fs_pickup_controllers', (await Promise.all(node.controllers.map((c) => c.socketAddress()))).join('|'));
      return controller;
    },
    async close() {
      await Promise.all(bed.controllers().map((controller) => controller.stop()));
      await Promise.all(nodes.map((node) => node.sim.close()));
      await redis.quit();
    },
  };
  await Promise.all(nodes.flatMap((node) => Array.from({ length: options.controllersPerNode ?? 1 }, () => bed.addController(node))));
  return bed;
}

/** A picker on `node` dials the code (through the product's dialplan); resolves with its uuid. */
export function dialOn(node: ClusterNode, domain: string, extension: string, dialled: string): Promise<string> {
  return node.sim.dialPickup({ extension, domain, dialled });
}

/** Waits until some controller of the cluster logged that these legs ring. */
export async function untilRinging(bed: ClusterBed, legUuids: readonly string[]): Promise<void> {
  for (const legUuid of legUuids) {
    await Promise.any(bed.controllers().map((c) => c.waitForLog((line) => line.msg === 'leg ringing' && line.legUuid === legUuid)));
  }
}

/** The final word of whichever controller handled the request. */
export function pickupOutcome(bed: ClusterBed, pickerUuid: string, timeoutMs = 15_000): Promise<{ msg: string; failure?: unknown; cause?: unknown; callUuid?: unknown }> {
  return Promise.any(
    bed.controllers().map((controller) =>
      controller.waitForLog((l) => l.pickerUuid === pickerUuid && PICKUP_OUTCOMES.has(String(l.msg)), timeoutMs),
    ),
  ) as Promise<{ msg: string; failure?: unknown; cause?: unknown; callUuid?: unknown }>;
}
