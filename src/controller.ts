import type { Logger } from 'pino';
import { BlfLamps } from './cluster/blf-lamps.ts';
import { NodeReaper } from './cluster/node-reaper.ts';
import { NodeRuntime } from './cluster/node-runtime.ts';
import type { ControllerConfig } from './config/config.ts';
import { PickupNotifier } from './pickup/notifier.ts';
import { DEFAULT_PICKUP_SETTINGS } from './pickup/pickup-service.ts';
import { GroupSettingsStore } from './store/group-settings-store.ts';
import { CallStore } from './store/call-store.ts';
import { Keys } from './store/keys.ts';
import { NodeRegistry } from './store/node-registry.ts';
import { PreferenceStore } from './store/preference-store.ts';
import { connectRedis, type RedisConnection } from './store/redis-connection.ts';
import { TokenStore } from './store/token-store.ts';

/** A running controller: one or more FreeSWITCH nodes, one Redis. */
export interface RunningController {
  readonly redis: RedisConnection;
  readonly nodes: readonly NodeRuntime[];
  stop(): Promise<void>;
}

/**
 * Wires the adapters together: one NodeRuntime per FreeSWITCH node (event socket, tracker, pickups, heartbeat),
 * shared stores, the reaper that stops offering calls of dead nodes, the group BLF lamps and pickup notices. Neither Redis nor FreeSWITCH has to be
 * up at start: both are retried for ever, and while Redis is down pickups fail cleanly (503) instead of hanging.
 */
export function startController(config: ControllerConfig, logger: Logger): RunningController {
  const redis = connectRedis(config.redis, logger);
  const keys = new Keys(config.keyPrefix);
  const calls = new CallStore(redis, keys);
  const registry = new NodeRegistry(redis, keys, config.controllerId);
  const stores = { calls, preferences: new PreferenceStore(redis, keys), registry, tokens: new TokenStore(redis, keys) };
  const settings = {
    ...DEFAULT_PICKUP_SETTINGS,
    prefix: config.pickupPrefix,
    strategy: config.claimStrategy,
    clusterSipProfile: config.clusterSipProfile,
    controllerId: config.controllerId,
  };
  const nodes = config.nodes.map((node) => new NodeRuntime(node, stores, settings, logger));
  const reaper = new NodeReaper(registry, calls, logger);
  const lamps = new BlfLamps(redis, keys, config.pickupPrefix, nodes.map((node) => node.esl), logger);
  for (const node of nodes) node.esl.onEvent((event) => lamps.observe(node.esl, event));
  const notifier = new PickupNotifier(
    nodes.map((node) => node.esl),
    calls,
    stores.preferences,
    new GroupSettingsStore(redis, keys),
    { prefix: config.pickupPrefix, chatProfile: config.chatProfile },
    logger,
  );
  for (const node of nodes) node.onCallRinging((call) => notifier.callRinging(call));
  lamps.start();

  // Events that arrived while Redis was down were not mirrored: every Redis (re)connect resyncs.
  redis.on('ready', () => {
    for (const node of nodes) void node.resync('connected to Redis');
  });
  for (const node of nodes) node.start();
  reaper.start();

  return {
    redis,
    nodes,
    async stop() {
      reaper.stop();
      lamps.stop();
      notifier.stop();
      await Promise.all(nodes.map((node) => node.stop()));
      redis.disconnect();
    },
  };
}
