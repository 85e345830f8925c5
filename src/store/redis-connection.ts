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
    retryStrategy: retry ? (attempt) => Math.min(100 * 2 ** attempt, 5_000) : () => null,
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
      redis = new Redis({ ...options, sentinels: [...target.sentinels], name: target.name, password: target.password, sentinelPassword: target.password });
      break;
  }
  defineScripts(redis);
  return redis;
}

/** The controller's connection: created, logged, and connecting in the background. */
export function connectRedis(target: RedisTarget, logger: Logger): RedisConnection {
  const log = logger.child({ module: 'redis' });
  const redis = createRedis(target);
  let wasReady = false;
  redis.on('ready', () => {
    log.info({ topology: target.kind }, wasReady ? 'reconnected to Redis' : 'connected to Redis');
    wasReady = true;
  });
  redis.on('error', (error: Error) => log.warn({ err: error }, 'Redis connection problem'));
  // The first failure is logged by the error listener; ioredis keeps retrying by itself.
  redis.connect().catch(() => undefined);
  return redis;
}
