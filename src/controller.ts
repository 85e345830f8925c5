import { lookup } from 'node:dns/promises';
import type { Logger } from 'pino';
import { BlfLamps } from './cluster/blf-lamps.ts';
import { DEFAULT_HANDOFF_SETTINGS, Handoff } from './cluster/handoff.ts';
import { NodeReaper } from './cluster/node-reaper.ts';
import { NodeSwitches } from './cluster/node-switches.ts';
import type { ControllerConfig } from './config/config.ts';
import { OutboundServer } from './esl/outbound-server.ts';
import { PickerChannel } from './esl/picker-channel.ts';
import type { AdminContext } from './http/admin-context.ts';
import { ApiToken } from './http/api-token.ts';
import type { ControllerStatus } from './http/health-routes.ts';
import { type RunningHttpServer, startHttpServer } from './http/server.ts';
import { reasonOf } from './logger.ts';
import { NodeRuntime } from './node-runtime.ts';
import { PickupNotifier } from './pickup/notifier.ts';
import { PickupReporter } from './pickup/pickup-reporter.ts';
import { DEFAULT_PICKUP_SETTINGS, PickupService } from './pickup/pickup-service.ts';
import { CallStore } from './store/call-store.ts';
import { ChangeFeed } from './store/change-feed.ts';
import { GroupSettingsStore } from './store/group-settings-store.ts';
import { HandoffTokenStore } from './store/handoff-tokens.ts';
import { Keys } from './store/keys.ts';
import { NodeRegistry } from './store/node-registry.ts';
import { PickupRecordStore } from './store/pickup-records.ts';
import { PreferenceCache } from './store/preference-cache.ts';
import { PreferenceStore } from './store/preference-store.ts';
import { connectRedis, describeRedisTarget, type RedisConnection } from './store/redis-connection.ts';
import { Metrics } from './telemetry/metrics.ts';

/** How long FreeSWITCH may take to send a channel's data once its socket connected to us. */
const SOCKET_CONNECT_TIMEOUT_MS = 2_000;

/** A running controller: one or more FreeSWITCH nodes, one Redis. */
export interface RunningController {
  readonly redis: RedisConnection;
  readonly nodes: readonly NodeRuntime[];
  /** Where the pickup socket listener is bound. */
  readonly socketAddress: { readonly host: string; readonly port: number };
  /** Where the health and metrics endpoints listen (undefined: FSP_HTTP_LISTEN=off). */
  readonly httpAddress: { readonly host: string; readonly port: number } | undefined;
  readonly metrics: Metrics;
  status(): ControllerStatus;
  /**
   * Stops gracefully: not ready any more, no new pickup sockets (FreeSWITCH tries the node's next controller),
   * pickups in flight finish (their sockets are closed after the drain timeout), then every connection closes.
   */
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
  const redisAddress = describeRedisTarget(config.redis);
  // The gauges of live state read it when scraped; `nodes` and `switches` exist by the first scrape.
  const metrics: Metrics = new Metrics({
    ringingCalls: async (): Promise<ReadonlyMap<string, number>> => new Map(await Promise.all(nodes.map(async (node) => [node.name, await calls.countOfNode(node.name)] as const))),
    redisUp: () => health.isUp,
    eslConnections: () => switches.states(),
  });
  const nodes: NodeRuntime[] = config.nodes.map((node) => new NodeRuntime(node, { calls, registry, health }, metrics, logger));
  const switches = new NodeSwitches(new Map(nodes.map((node) => [node.name, node.esl])), config.peers, logger);
  const handoff = new Handoff(switches, registry, new HandoffTokenStore(redis, keys), { ...DEFAULT_HANDOFF_SETTINGS, sipProfile: config.clusterSipProfile }, logger);
  const records = new PickupRecordStore(redis, keys);
  const groupSettings = new GroupSettingsStore(redis, keys);
  const reporter = new PickupReporter(metrics, records, switches, logger);
  const pickups = new PickupService(
    { calls, preferences, registry },
    handoff,
    reporter,
    metrics,
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
  const lamps = new BlfLamps(redis, keys, config.pickupPrefix, nodes.map((node) => ({ name: node.name, esl: node.esl })), logger);
  for (const node of nodes) node.esl.onEvent((event) => lamps.observe(node, event));
  const notifier = new PickupNotifier(
    nodes.map((node) => node.esl),
    calls,
    preferenceStore,
    groupSettings,
    { prefix: config.pickupPrefix, chatProfile: config.chatProfile },
    metrics.noticesSent,
    logger,
  );
  for (const node of nodes) node.onCallRinging((call) => notifier.callRinging(call));
  const feed = new ChangeFeed(redis, logger);
  feed.on(keys.presenceChannel(), (message) => lamps.onChange(message));
  feed.on(keys.extensionLampChannel(), (message) => lamps.onExtensionChange(message));
  feed.on(keys.preferenceChanges(), (message) => preferences.onChange(message));
  // Changes published while the feed was not subscribed are lost: load everything again after each subscription.
  feed.onSubscribed(() => preferences.warm());

  // Events that arrived while Redis did not answer were not mirrored: whenever it answers again, resync.
  health.onAnswering(() => {
    for (const node of nodes) void node.resync('Redis answers');
  });
  let stopping = false;
  const status = (): ControllerStatus => {
    const nodeStates = nodes.map((node) => ({ name: node.name, eslConnected: node.esl.isReady, coreUuid: node.coreUuid ?? null }));
    return {
      ready: !stopping && health.isUp && nodeStates.every((node) => node.eslConnected),
      stopping,
      redis: { up: health.isUp, address: redisAddress },
      nodes: nodeStates,
    };
  };
  // One line once everything the pickups need is there.
  let announcedReady = false;
  const announceReady = (): void => {
    const socket = server.boundAddress;
    if (announcedReady || !socket || !feed.isSubscribed || !status().ready) return;
    announcedReady = true;
    logger.info({ nodes: nodes.map((node) => node.name), socket: `${socket.host}:${socket.port}` }, 'ready');
  };
  health.onAnswering(announceReady);
  feed.onSubscribed(announceReady);
  for (const node of nodes) node.esl.onReady(announceReady);
  const socketAddress = await server.listen();
  let http: RunningHttpServer | undefined;
  try {
    const admin: AdminContext = {
      token: config.apiToken === undefined ? undefined : new ApiToken(config.apiToken),
      redis,
      keys,
      calls,
      preferences: preferenceStore,
      groupSettings,
      registry,
      records,
      feed,
      pickupPrefix: config.pickupPrefix,
      logger,
    };
    http = config.http && (await startHttpServer(config.http, { status, metrics: metrics.registry, admin }, logger));
  } catch (error) {
    await server.stopAccepting();
    health.stop();
    redis.disconnect();
    throw error;
  }
  if (http) logger.info({ http: `${http.address.host}:${http.address.port}`, adminApi: config.apiToken ? 'on' : 'off (no FSP_API_TOKEN)' }, 'health and metrics endpoints listening');
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
    httpAddress: http?.address,
    metrics,
    status,
    async stop() {
      stopping = true;
      const drained = await within(config.drainTimeoutMs, Promise.all([server.stopAccepting(), pickups.settled()]));
      if (!drained) {
        logger.warn({ openSockets: server.openSessions, waitedMs: config.drainTimeoutMs }, 'pickups still in flight after the drain timeout; closing their sockets');
        server.closeAll();
      }
      await http?.close().catch((error: unknown) => logger.warn({ reason: reasonOf(error) }, 'could not close the HTTP listener'));
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

/** Resolves true when `work` settles within `ms`, false otherwise (the work goes on). */
async function within(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([work.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
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
