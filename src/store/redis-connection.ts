import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { defineScripts } from './scripts.ts';

/**
 * One ioredis connection for the controller. No offline queue: while Redis is down a command fails at once
 * (a pickup then fails cleanly with 503) instead of waiting in memory; reconnects run in the background.
 */
export function connectRedis(url: string, logger: Logger): Redis {
  const log = logger.child({ module: 'redis' });
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    // Commands issued in the same tick go out in one write: event bursts cost far fewer syscalls.
    enableAutoPipelining: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: 5_000,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 5_000),
  });
  defineScripts(redis);
  let wasReady = false;
  redis.on('ready', () => {
    log.info(wasReady ? 'reconnected to Redis' : 'connected to Redis');
    wasReady = true;
  });
  redis.on('error', (error: Error) => log.warn({ err: error }, 'Redis connection problem'));
  return redis;
}
