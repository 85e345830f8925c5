/**
 * The soak's bed: two simulated FreeSWITCH nodes on one SIP network, two controller processes per node (the node's
 * dialplan lists both, `host:port|host:port`), and a redis-server of the scenario's own without persistence, so that
 * chaos steps can restart it empty or stall it. Wired as test/e2e/cluster-harness.ts wires its controllers.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { Keys } from '../../../src/store/keys.ts';
import { PreferenceStore } from '../../../src/store/preference-store.ts';
import { defineScripts } from '../../../src/store/scripts.ts';
import type { ControllerProcess } from '../../helpers/controller-process.ts';
import { type RedisServerHandle, startRedisServer } from '../../helpers/redis-server.ts';
import { startServing } from '../../e2e/harness.ts';
import { FreeSwitchSimulator, SipNetwork } from '../../simulator/index.ts';

const run = promisify(execFile);

export interface SoakNode {
  readonly name: string;
  readonly sim: FreeSwitchSimulator;
  readonly eslPort: number;
  readonly env: Record<string, string>;
  /** In the order the node's dialplan tries them. */
  readonly controllers: ControllerProcess[];
}

export interface SoakBed {
  readonly nodes: readonly SoakNode[];
  readonly redisServer: RedisServerHandle;
  readonly redis: Redis;
  readonly keys: Keys;
  readonly prefix: string;
  readonly preferences: PreferenceStore;
  /** Every controller started, killed ones included, in start order. */
  readonly everyController: ControllerProcess[];
  /** Calls `listener` with each controller as it starts. */
  onController(listener: (controller: ControllerProcess) => void): void;
  /** Replaces the node's controller `index` (after it was killed) with a new one in the same place of the list. */
  replaceController(node: SoakNode, index: number): Promise<ControllerProcess>;
  /** The redis-server's process id (SIGSTOP stalls it). */
  redisPid(): Promise<number>;
  close(): Promise<void>;
}

const IPS = ['10.0.0.1', '10.0.0.2'];

export async function startSoakBed(options: { controllersPerNode: number; env?: Record<string, string> }): Promise<SoakBed> {
  const redisServer = await startRedisServer();
  const prefix = `soak${randomUUID().slice(0, 6)}`;
  const keys = new Keys(prefix);
  // The bed's own connection: it must survive the chaos (an empty restart, a stall) and answer right after.
  const redis = new Redis(redisServer.url, { maxRetriesPerRequest: 2, retryStrategy: () => 100 });
  redis.on('error', () => undefined);
  defineScripts(redis);
  const network = new SipNetwork();
  const listeners: Array<(controller: ControllerProcess) => void> = [];
  const everyController: ControllerProcess[] = [];
  const nodes: SoakNode[] = [];
  for (const [i, ip] of IPS.entries()) {
    const name = `soak-node${i + 1}-${randomUUID().slice(0, 4)}`;
    const sim = new FreeSwitchSimulator({ parkTickMs: 5, switchname: name, sipNetwork: network, clusterSipAddress: `${ip}:5090`, clusterAcl: IPS });
    const eslPort = await sim.listen(0);
    nodes.push({
      name,
      sim,
      eslPort,
      controllers: [],
      env: {
        FSP_REDIS_URL: redisServer.url,
        FSP_REDIS_KEY_PREFIX: prefix,
        FSP_ESL_HOST: '127.0.0.1',
        FSP_ESL_PORT: String(eslPort),
        FSP_NODE_NAME: name,
        FSP_NODE_SIP_ADDRESS: `${ip}:5090`,
        FSP_SOCKET_LISTEN: '127.0.0.1:0',
        // What production runs at: the figures should not include debug lines.
        FSP_LOG_LEVEL: 'info',
        // An inspector on a free port: the memory figures are read after a full collection (collect-garbage.ts).
        NODE_OPTIONS: '--inspect=127.0.0.1:0',
        ...options.env,
      },
    });
  }
  const startController = async (node: SoakNode): Promise<ControllerProcess> => {
    const peers = nodes.filter((other) => other !== node).map((other) => ({ name: other.name, eslHost: '127.0.0.1', eslPort: other.eslPort }));
    const controller = await startServing(node.sim, { ...node.env, FSP_PEERS: JSON.stringify(peers) });
    everyController.push(controller);
    for (const listener of listeners) listener(controller);
    return controller;
  };
  const pointDialplan = async (node: SoakNode): Promise<void> => {
    node.sim.setGlobal('fs_pickup_controllers', (await Promise.all(node.controllers.map((c) => c.socketAddress()))).join('|'));
  };
  const bed: SoakBed = {
    nodes,
    redisServer,
    redis,
    keys,
    prefix,
    preferences: new PreferenceStore(redis, keys),
    everyController,
    onController: (listener) => void listeners.push(listener),
    async replaceController(node, index) {
      const controller = await startController(node);
      node.controllers[index] = controller;
      await pointDialplan(node);
      return controller;
    },
    async redisPid() {
      const { stdout } = await run('redis-cli', ['-p', String(redisServer.port), 'INFO', 'server']);
      return Number(/process_id:(\d+)/.exec(stdout)?.[1]);
    },
    async close() {
      await Promise.all(everyController.map((controller) => controller.stop()));
      await Promise.all(nodes.map((node) => node.sim.close()));
      redis.disconnect();
      await redisServer.stop();
    },
  };
  await Promise.all(
    nodes.map(async (node) => {
      node.controllers.push(...(await Promise.all(Array.from({ length: options.controllersPerNode }, () => startController(node)))));
      await pointDialplan(node);
    }),
  );
  return bed;
}
