/**
 * The controller's HTTP application (buildHttpApp) on the test run's Redis, with the controller's own connection
 * settings (createRedis) and stores, for the admin API tests: requests go through `app.inject()`, or over TCP once
 * `listen()`ed (server-sent events).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { inject } from 'vitest';
import type { AdminContext } from '../../src/http/admin-context.ts';
import { ApiToken } from '../../src/http/api-token.ts';
import { buildHttpApp } from '../../src/http/server.ts';
import { CallStore } from '../../src/store/call-store.ts';
import { ChangeFeed } from '../../src/store/change-feed.ts';
import { GroupSettingsStore } from '../../src/store/group-settings-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { NodeRegistry } from '../../src/store/node-registry.ts';
import { PickupRecordStore } from '../../src/store/pickup-records.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { createRedis, type RedisConnection } from '../../src/store/redis-connection.ts';
import { keysUnder } from '../helpers/redis-client.ts';

export const TOKEN = 'api-test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` } as const;

export interface ApiBed {
  readonly app: FastifyInstance;
  readonly admin: AdminContext;
  readonly redis: RedisConnection;
  readonly keys: Keys;
  readonly prefix: string;
  /** Every route the application registered (Fastify's onRoute), HEAD routes included. */
  readonly routes: ReadonlyArray<{ readonly method: string; readonly url: string }>;
  /** Every line the application logged (pino JSON). */
  readonly logLines: string[];
  /** A request with the token. */
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
  /** Every key of this bed's prefix with its content: to prove that nothing was written. */
  snapshot(): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** The HTTP application with its own key prefix; `token` null: no FSP_API_TOKEN configured. */
export async function startApiBed(options: { token?: string | null } = {}): Promise<ApiBed> {
  const redis = createRedis({ kind: 'single', url: inject('redisUrl') });
  redis.on('error', () => undefined);
  await redis.connect();
  const prefix = `t${randomUUID().slice(0, 8)}`;
  const keys = new Keys(prefix);
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const token = options.token === undefined ? TOKEN : options.token;
  const admin: AdminContext = {
    token: token === null ? undefined : new ApiToken(token),
    redis,
    keys,
    calls: new CallStore(redis, keys),
    preferences: new PreferenceStore(redis, keys),
    groupSettings: new GroupSettingsStore(redis, keys),
    registry: new NodeRegistry(redis, keys, 'api-test'),
    records: new PickupRecordStore(redis, keys),
    feed: new ChangeFeed(redis, logger),
    pickupPrefix: '88',
    logger,
  };
  const status = () => ({ ready: true, stopping: false, redis: { up: true, address: 'test' }, nodes: [] });
  const metrics = { contentType: 'text/plain', metrics: async () => '# metrics\n' };
  const app = buildHttpApp({ status, metrics, admin }, logger);
  const routes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', ({ method, url }) => void routes.push(...[method].flat().map((one) => ({ method: one, url }))));
  await app.ready();
  return {
    app,
    admin,
    redis,
    keys,
    prefix,
    routes,
    logLines,
    call: (request) => app.inject({ ...request, headers: { ...AUTH, ...request.headers } }),
    snapshot: async () => {
      const contents: Record<string, unknown> = {};
      for (const key of await keysUnder(redis, prefix)) contents[key] = await contentOf(redis, key);
      return contents;
    },
    close: async () => {
      await app.close();
      redis.disconnect();
    },
  };
}

async function contentOf(redis: RedisConnection, key: string): Promise<unknown> {
  switch (await redis.type(key)) {
    case 'hash':
      return redis.hgetall(key);
    case 'set':
      return (await redis.smembers(key)).sort();
    case 'zset':
      return redis.zrange(key, 0, -1, 'WITHSCORES');
    case 'stream':
      return redis.xrange(key, '-', '+');
    default:
      return redis.get(key);
  }
}
