import { lookup } from 'node:dns/promises';
import type { Logger } from 'pino';
import { BlfLamps } from './cluster/blf-lamps.ts';
import { DEFAULT_HANDOFF_SETTINGS, Handoff } from './cluster/handoff.ts';
import { NodeReaper } from './cluster/node-reaper.ts';
import { NodeSwitches } from './cluster/node-switches.ts';
import type { ControllerConfig } from './config/config.ts';
import { OutboundServer } from './esl/outbound-server.ts';
import { PickerChannel } from './esl/picker-channel.ts';
import { NodeRuntime } from './node-runtime.ts';
import { PickupNotifier } from './pickup/notifier.ts';
import { DEFAULT_PICKUP_SETTINGS, PickupService } from './pickup/pickup-service.ts';
import { CallStore } from './store/call-store.ts';
import { ChangeFeed } from './store/change-feed.ts';
import { GroupSettingsStore } from './store/group-settings-store.ts';
import { HandoffTokenStore } from './store/handoff-tokens.ts';
import { Keys } from './store/keys.ts';
import { NodeRegistry } from './store/node-registry.ts';
import { PreferenceCache } from './store/preference-cache.ts';
import { PreferenceStore } from './store/preference-store.ts';
import { connectRedis, type RedisConnection } from './store/redis-connection.ts';

/** How long FreeSWITCH may take to send a channel's data once its socket connected to us. */
const SOCKET_CONNECT_TIMEOUT_MS = 2_000;

/** A running controller: one or more FreeSWITCH nodes, one Redis. */
export interface RunningController {
  readonly redis: RedisConnection;
  readonly nodes: readonly NodeRuntime[];
  /** Where the pickup socket listener is bound. */
  readonly socketAddress: { readonly host: string; readonly port: number };
  stop(): Promise<void>;
}

/**
 * Wires the adapters together: one NodeRuntime per FreeSWITCH node (event socket, tracker, heartbeat), the
 * listener for the nodes' pickup sockets and the pickup service behind it, the hand-off to other nodes, the
 * reaper that stops offering calls of dead nodes, the group BLF lamps and pickup notices. Neither Redis nor
 * FreeSWITCH has to be up at start: both are retried for ever, and while Redis is down pickups fail cleanly (503)
 * instead of hanging. Resolves once the socket listener is bound.
 */
export async function startController(config: ControllerConfig, logger: Logger): Promise<RunningController> {
  const allowed = await socketClients(config);
  const { redis, health } = connectRedis(config.redis, logger);
  const keys = new Keys(config.keyPrefix);
  const calls = new CallStore(redis, keys);
  const registry = new NodeRegistry(redis, keys, config.controllerId);
  const preferenceStore = new PreferenceStore(redis, keys);
  const preferences = new PreferenceCache(preferenceStore, logger);
  const nodes = config.nodes.map((node) => new NodeRuntime(node, { calls, registry, health }, logger));
  const switches = new NodeSwitches(new Map(nodes.map((node) => [node.name, node.esl])), config.peers, logger);
  const handoff = new Handoff(switches, registry, new HandoffTokenStore(redis, keys), { ...DEFAULT_HANDOFF_SETTINGS, sipProfile: config.clusterSipProfile }, logger);
  const pickups = new PickupService(
    { calls, preferences, registry },
    handoff,
    { ...DEFAULT_PICKUP_SETTINGS, prefix: config.pickupPrefix, strategy: config.claimStrategy },
    logger,
  );
  const server = new OutboundServer(
    { ...config.socket, isAllowed: (address) => allowed.has(plainAddress(address)), connectTimeoutMs: SOCKET_CONNECT_TIMEOUT_MS, logger },
    (session, acceptedAt) => {
      const picker = new PickerChannel(session);
      const coreUuid = picker.request?.coreUuid;
      return pickups.serve(picker, nodes.find((node) => node.coreUuid !== undefined && node.coreUuid === coreUuid), acceptedAt);
    },
  );

  const reaper = new NodeReaper(registry, calls, logger);
  const lamps = new BlfLamps(redis, keys, config.pickupPrefix, nodes.map((node) => node.esl), logger);
  for (const node of nodes) node.esl.onEvent((event) => lamps.observe(node.esl, event));
  const notifier = new PickupNotifier(
    nodes.map((node) => node.esl),
    calls,
    preferenceStore,
    new GroupSettingsStore(redis, keys),
    { prefix: config.pickupPrefix, chatProfile: config.chatProfile },
    logger,
  );
  for (const node of nodes) node.onCallRinging((call) => notifier.callRinging(call));
  const feed = new ChangeFeed(redis, logger);
  feed.on(keys.presenceChannel(), (message) => lamps.onChange(message));
  feed.on(keys.preferenceChanges(), (message) => preferences.onChange(message));
  // Changes published while the feed was not subscribed are lost: load everything again after each subscription.
  feed.onSubscribed(() => preferences.warm());

  // Events that arrived while Redis did not answer were not mirrored: whenever it answers again, resync.
  health.onAnswering(() => {
    for (const node of nodes) void node.resync('Redis answers');
  });
  // One line once everything the pickups need is there.
  let announcedReady = false;
  const announceReady = (): void => {
    const socket = server.boundAddress;
    if (announcedReady || !socket || !health.isUp || !feed.isSubscribed || !nodes.every((node) => node.esl.isReady)) return;
    announcedReady = true;
    logger.info({ nodes: nodes.map((node) => node.name), socket: `${socket.host}:${socket.port}` }, 'ready');
  };
  health.onAnswering(announceReady);
  feed.onSubscribed(announceReady);
  for (const node of nodes) node.esl.onReady(announceReady);
  const socketAddress = await server.listen();
  announceReady();
  feed.start();
  registry.start();
  for (const node of nodes) node.start();
  switches.start();
  handoff.startSweeping(nodes.map((node) => node.name));
  reaper.start();

  return {
    redis,
    nodes,
    socketAddress,
    async stop() {
      await server.stopAccepting();
      reaper.stop();
      handoff.stop();
      notifier.stop();
      feed.stop();
      registry.stop();
      await Promise.all([...nodes.map((node) => node.stop()), switches.stop()]);
      health.stop();
      redis.disconnect();
    },
  };
}

/**
 * Who may open a pickup socket: loopback, the addresses of the served nodes' event sockets (the node connects
 * from there), and FSP_SOCKET_ALLOW.
 */
async function socketClients(config: ControllerConfig): Promise<Set<string>> {
  const addresses = new Set(['127.0.0.1', '::1', ...config.socket.allow]);
  for (const node of config.nodes) {
    const resolved = await lookup(node.esl.host, { all: true }).catch(() => []);
    for (const { address } of resolved) addresses.add(address);
  }
  return addresses;
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) → `10.0.0.1`. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
