import { hostname } from 'node:os';
import { parseClaimStrategy, type ClaimStrategy } from '../domain/candidates.ts';
import { validatePickupPrefix } from '../domain/dialled.ts';
import { FsPickupError } from '../domain/errors.ts';

/** The controller's whole configuration, validated and frozen. */
export interface ControllerConfig {
  readonly redisUrl: string;
  readonly keyPrefix: string;
  readonly esl: { readonly host: string; readonly port: number; readonly password: string };
  /** Stable name of the FreeSWITCH node this controller serves (survives restarts, unlike Core-UUID). */
  readonly nodeName: string;
  readonly pickupPrefix: string;
  readonly claimStrategy: ClaimStrategy;
  readonly logLevel: string;
  readonly controllerId: string;
}

/** Raised at start-up with every configuration problem at once. */
export class ConfigError extends FsPickupError {
  readonly code = 'FSP_ERR_CONFIG';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

/** Environment variables read by loadConfig, with their defaults (documented in the README). */
export const CONFIG_DEFAULTS = Object.freeze({
  FSP_REDIS_URL: 'redis://127.0.0.1:6379',
  FSP_REDIS_KEY_PREFIX: 'fsp',
  FSP_ESL_HOST: '127.0.0.1',
  FSP_ESL_PORT: '8021',
  FSP_ESL_PASSWORD: 'ClueCon',
  FSP_NODE_NAME: '',
  FSP_PICKUP_PREFIX: '88',
  FSP_CLAIM_STRATEGY: 'random',
  FSP_LOG_LEVEL: 'info',
});

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const SAFE_NAME = /^[A-Za-z0-9._-]{1,64}$/;

/** The only reader of process.env. Throws ConfigError listing every invalid setting. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ControllerConfig {
  const get = reader(env);
  const problems: string[] = [];
  const { redisUrl, keyPrefix } = readRedisSettings(get, problems);
  const port = Number(get('FSP_ESL_PORT'));
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`FSP_ESL_PORT must be a TCP port (got ${JSON.stringify(get('FSP_ESL_PORT'))})`);
  const host = get('FSP_ESL_HOST');
  if (host === '' || /\s/.test(host)) problems.push('FSP_ESL_HOST must be a host name or address');
  const password = get('FSP_ESL_PASSWORD');
  if (password === '' || /[\r\n]/.test(password)) problems.push('FSP_ESL_PASSWORD must be set, on one line');
  const nodeName = get('FSP_NODE_NAME') || `${host}-${port}`;
  if (!SAFE_NAME.test(nodeName)) problems.push('FSP_NODE_NAME must be 1-64 of [A-Za-z0-9._-]');
  const pickupPrefix = get('FSP_PICKUP_PREFIX');
  const prefixProblem = validatePickupPrefix(pickupPrefix);
  if (prefixProblem) problems.push(`FSP_PICKUP_PREFIX: ${prefixProblem}`);
  const claimStrategy = parseClaimStrategy(get('FSP_CLAIM_STRATEGY'));
  if (!claimStrategy) problems.push('FSP_CLAIM_STRATEGY must be "random" (the spec) or "oldest"');
  const logLevel = get('FSP_LOG_LEVEL');
  if (!LOG_LEVELS.has(logLevel)) problems.push(`FSP_LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}`);

  if (problems.length > 0 || !claimStrategy) throw new ConfigError(problems);
  return Object.freeze({
    redisUrl,
    keyPrefix,
    esl: Object.freeze({ host, port, password }),
    nodeName,
    pickupPrefix,
    claimStrategy,
    logLevel,
    controllerId: `${hostname()}:${process.pid}`,
  });
}

/** What the admin CLI needs: where the preferences live. */
export interface AdminConfig {
  readonly redisUrl: string;
  readonly keyPrefix: string;
}

/** Reads FSP_REDIS_URL / FSP_REDIS_KEY_PREFIX for the admin CLI. Throws ConfigError when invalid. */
export function loadAdminConfig(env: Readonly<Record<string, string | undefined>> = process.env): AdminConfig {
  const problems: string[] = [];
  const settings = readRedisSettings(reader(env), problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(settings);
}

type Reader = (name: keyof typeof CONFIG_DEFAULTS) => string;

function reader(env: Readonly<Record<string, string | undefined>>): Reader {
  return (name) => env[name] ?? CONFIG_DEFAULTS[name];
}

function readRedisSettings(get: Reader, problems: string[]): AdminConfig {
  const redisUrl = get('FSP_REDIS_URL');
  if (!/^rediss?:\/\//.test(redisUrl)) problems.push(`FSP_REDIS_URL must be a redis:// or rediss:// URL (got ${JSON.stringify(redisUrl)})`);
  const keyPrefix = get('FSP_REDIS_KEY_PREFIX');
  if (!SAFE_NAME.test(keyPrefix)) problems.push('FSP_REDIS_KEY_PREFIX must be 1-64 of [A-Za-z0-9._-]');
  return { redisUrl, keyPrefix };
}
