import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisTarget } from '../config/config.ts';
import { defineScripts } from './scripts.ts';

/** A connection to any of the supported topologies: one server, a Redis Cluster, or Sentinel. */
export type RedisConnection = Redis | Cluster;

/**
 * Opens a connection (not yet connected: call `connect()`), with the Lua scripts defined. No offline queue:
 * while Redis is down a command fails at once (a pickup then fails cleanly with 503) instead of waiting in
 * memory; reconnects run in the background unless `retry` is false (the CLI).
 */
export function createRedis(target: RedisTarget, retry = true): RedisConnection {
  const options: RedisOptions = {
    enableOfflineQueue: false,
    // Commands issued in the same tick go out in one write: event bursts cost far fewer syscalls.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: 5_000,
    lazyConnect: true,
    // At most a second between attempts: a Redis that comes back is used (and the calls resynced) within a second.
    // An attempt on a Redis that is down is one refused TCP connect.
    retryStrategy: retry ? (attempt) => Math.min(100 * 2 ** attempt, 1_000) : () => null,
  };
  let redis: RedisConnection;
  switch (target.kind) {
    case 'single':
      redis = new Redis(target.url, options);
      break;
    case 'cluster':
      redis = new Cluster([...target.nodes], {
        enableOfflineQueue: false,
        // ioredis' cluster auto-pipelining can put keys of different slots in one pipeline and fail it
        // ("All keys in the pipeline should belong to the same slots allocation group"): off on a Cluster.
        enableAutoPipelining: false,
        lazyConnect: true,
        clusterRetryStrategy: options.retryStrategy,
        redisOptions: { ...options, enableAutoPipelining: false, password: target.password },
      });
      break;
    case 'sentinel':
      redis = new Redis({
        ...options,
        sentinels: [...target.sentinels],
        name: target.name,
        password: target.password,
        sentinelPassword: target.password,
        // Without it ioredis asks unreachable Sentinels for ever, whatever retryStrategy says.
        ...(retry ? {} : { sentinelRetryStrategy: () => null }),
      });
      break;
  }
  defineScripts(redis);
  return redis;
}

/** Where a target is, for people: URLs without their password, or the host list. */
export function describeRedisTarget(target: RedisTarget): string {
  switch (target.kind) {
    case 'single': {
      const url = new URL(target.url);
      if (url.password) url.password = '***';
      return url.toString();
    }
    case 'cluster':
      return `cluster ${target.nodes.map(({ host, port }) => `${host}:${port}`).join(',')}`;
    case 'sentinel':
      return `sentinel ${target.name} via ${target.sentinels.map(({ host, port }) => `${host}:${port}`).join(',')}`;
  }
}

/** How often an unanswering Redis is probed after a command failed on a connection that looked fine. */
const PROBE_INTERVAL_MS = 500;

/**
 * Whether the controller's Redis answers, as an administrator wants to read it: one warning when it stops
 * answering (the connection failed, or a command failed on it — a stall leaves the connection open), one line
 * when it answers again, nothing in between. Users whose command failed report it and may wait for the recovery.
 */
export class RedisHealth {
  private up = false;
  private everUp = false;
  private stopped = false;
  private downSince: number | undefined;
  private probing = false;
  private readonly answeringListeners: Array<() => unknown> = [];
  private readonly log: Logger;

  constructor(
    private readonly redis: RedisConnection,
    address: string,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'redis', redis: address });
    redis.on('ready', () => this.markUp());
    redis.on('error', (error: Error) => this.markDown(error.message));
    redis.on('close', () => this.markDown('connection closed'));
  }

  /** True while Redis answers. */
  get isUp(): boolean {
    return this.up;
  }

  /** The controller closes the connection on purpose: nothing to report any more. */
  stop(): void {
    this.stopped = true;
  }

  /** Runs each time Redis starts answering: the first connect, a reconnect, the end of a stall. */
  onAnswering(listener: () => unknown): void {
    this.answeringListeners.push(listener);
  }

  /** A command failed: Redis may be stalled. Probes it until it answers (then `onAnswering` listeners run). */
  reportFailure(error: unknown): void {
    // Before the first connect the connection itself reports (and `onAnswering` follows it).
    if (!this.everUp) return;
    this.markDown(error instanceof Error ? error.message : String(error));
    if (this.probing) return;
    this.probing = true;
    const probe = (): void => {
      this.redis.ping().then(
        () => {
          this.probing = false;
          this.markUp();
        },
        () => setTimeout(probe, PROBE_INTERVAL_MS).unref(),
      );
    };
    probe();
  }

  private markDown(reason: string): void {
    if (this.stopped) return;
    if (this.downSince !== undefined) {
      this.log.debug({ reason }, 'Redis still unavailable');
      return;
    }
    this.up = false;
    this.downSince = Date.now();
    this.log.warn({ reason }, this.everUp ? 'Redis unavailable; pickups fail with 503 until it answers again' : 'cannot reach Redis; retrying');
  }

  private markUp(): void {
    if (this.up) return;
    const downForMs = this.downSince === undefined ? undefined : Date.now() - this.downSince;
    this.log.info({ downForMs }, this.everUp ? 'Redis answers again' : 'connected to Redis');
    this.up = true;
    this.everUp = true;
    this.downSince = undefined;
    for (const listener of this.answeringListeners) listener();
  }
}

/** The controller's connection, connecting in the background, with its health watched. */
export function connectRedis(target: RedisTarget, logger: Logger): { redis: RedisConnection; health: RedisHealth } {
  const redis = createRedis(target);
  const health = new RedisHealth(redis, describeRedisTarget(target), logger);
  // Failures are logged by RedisHealth; ioredis keeps retrying by itself.
  redis.connect().catch(() => undefined);
  return { redis, health };
}
