import { hostname } from 'node:os';
import { parseClaimStrategy, type ClaimStrategy } from '../domain/candidates.ts';
import { validatePickupPrefix } from '../domain/dialled.ts';
import { FsPickupError } from '../domain/errors.ts';

/** One FreeSWITCH node this controller serves. */
export interface NodeConfig {
  /** Stable name of the node (survives restarts, unlike Core-UUID); the same on every controller serving it. */
  readonly name: string;
  readonly esl: { readonly host: string; readonly port: number; readonly password: string };
  /** `ip:port` of the node's `cluster` SIP profile: where other nodes send cross-node pickups. */
  readonly sipAddress: string | undefined;
}

/** Where Redis is: one server, a Redis Cluster, or a Sentinel-managed master. */
export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | { readonly kind: 'cluster'; readonly nodes: ReadonlyArray<{ host: string; port: number }>; readonly password: string | undefined }
  | { readonly kind: 'sentinel'; readonly sentinels: ReadonlyArray<{ host: string; port: number }>; readonly name: string; readonly password: string | undefined };

/** The controller's whole configuration, validated and frozen. */
export interface ControllerConfig {
  readonly redis: RedisTarget;
  readonly keyPrefix: string;
  readonly nodes: readonly NodeConfig[];
  /** The SIP profile used to reach other nodes (`sofia/<profile>/…`). */
  readonly clusterSipProfile: string;
  /** The SIP profile the phones register on: pickup notices go out through it (`chat … <profile>/<user>@<domain>`). */
  readonly chatProfile: string;
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
  FSP_REDIS_CLUSTER_NODES: '',
  FSP_REDIS_SENTINELS: '',
  FSP_REDIS_SENTINEL_NAME: 'mymaster',
  FSP_REDIS_PASSWORD: '',
  FSP_REDIS_KEY_PREFIX: 'fsp',
  FSP_ESL_HOST: '127.0.0.1',
  FSP_ESL_PORT: '8021',
  FSP_ESL_PASSWORD: 'ClueCon',
  FSP_NODE_NAME: '',
  FSP_NODE_SIP_ADDRESS: '',
  FSP_NODES: '',
  FSP_CLUSTER_SIP_PROFILE: 'cluster',
  FSP_CHAT_PROFILE: 'internal',
  FSP_PICKUP_PREFIX: '88',
  FSP_CLAIM_STRATEGY: 'random',
  FSP_LOG_LEVEL: 'info',
});

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const SAFE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

type Env = Readonly<Record<string, string | undefined>>;
type Reader = (name: keyof typeof CONFIG_DEFAULTS) => string;

/** The only reader of process.env. Throws ConfigError listing every invalid setting. */
export function loadConfig(env: Env = process.env): ControllerConfig {
  const get = reader(env);
  const problems: string[] = [];
  const { redis, keyPrefix } = readRedisSettings(get, problems);
  const nodes = get('FSP_NODES') ? readNodeList(get('FSP_NODES'), get('FSP_ESL_PASSWORD'), problems) : [readSingleNode(get, problems)];
  const names = nodes.map((node) => node.name);
  if (new Set(names).size !== names.length) problems.push('FSP_NODES names a node twice');
  const clusterSipProfile = get('FSP_CLUSTER_SIP_PROFILE');
  if (!SAFE_NAME.test(clusterSipProfile)) problems.push('FSP_CLUSTER_SIP_PROFILE must be a SIP profile name (1-64 of [A-Za-z0-9._-])');
  const chatProfile = get('FSP_CHAT_PROFILE');
  if (!SAFE_NAME.test(chatProfile)) problems.push('FSP_CHAT_PROFILE must be a SIP profile name (1-64 of [A-Za-z0-9._-])');
  const pickupPrefix = get('FSP_PICKUP_PREFIX');
  const prefixProblem = validatePickupPrefix(pickupPrefix);
  if (prefixProblem) problems.push(`FSP_PICKUP_PREFIX: ${prefixProblem}`);
  const claimStrategy = parseClaimStrategy(get('FSP_CLAIM_STRATEGY'));
  if (!claimStrategy) problems.push('FSP_CLAIM_STRATEGY must be "random" (the spec) or "oldest"');
  const logLevel = get('FSP_LOG_LEVEL');
  if (!LOG_LEVELS.has(logLevel)) problems.push(`FSP_LOG_LEVEL must be one of ${[...LOG_LEVELS].join(', ')}`);

  if (problems.length > 0 || !claimStrategy) throw new ConfigError(problems);
  return Object.freeze({
    redis,
    keyPrefix,
    nodes: Object.freeze(nodes),
    clusterSipProfile,
    chatProfile,
    pickupPrefix,
    claimStrategy,
    logLevel,
    controllerId: `${hostname()}:${process.pid}`,
  });
}

/** What the admin CLI needs: where the preferences live. */
export interface AdminConfig {
  readonly redis: RedisTarget;
  readonly keyPrefix: string;
}

/** Reads the FSP_REDIS_* settings for the admin CLI. Throws ConfigError when invalid. */
export function loadAdminConfig(env: Env = process.env): AdminConfig {
  const problems: string[] = [];
  const settings = readRedisSettings(reader(env), problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(settings);
}

function reader(env: Env): Reader {
  return (name) => env[name] ?? CONFIG_DEFAULTS[name];
}

function readRedisSettings(get: Reader, problems: string[]): AdminConfig {
  const keyPrefix = get('FSP_REDIS_KEY_PREFIX');
  if (!SAFE_NAME.test(keyPrefix)) problems.push('FSP_REDIS_KEY_PREFIX must be 1-64 of [A-Za-z0-9._-]');
  const password = get('FSP_REDIS_PASSWORD') || undefined;
  if (get('FSP_REDIS_CLUSTER_NODES')) {
    return { redis: { kind: 'cluster', nodes: readHostPorts('FSP_REDIS_CLUSTER_NODES', get('FSP_REDIS_CLUSTER_NODES'), problems), password }, keyPrefix };
  }
  if (get('FSP_REDIS_SENTINELS')) {
    const name = get('FSP_REDIS_SENTINEL_NAME');
    if (!SAFE_NAME.test(name)) problems.push('FSP_REDIS_SENTINEL_NAME must be the master name (1-64 of [A-Za-z0-9._-])');
    return { redis: { kind: 'sentinel', sentinels: readHostPorts('FSP_REDIS_SENTINELS', get('FSP_REDIS_SENTINELS'), problems), name, password }, keyPrefix };
  }
  const url = get('FSP_REDIS_URL');
  if (!/^rediss?:\/\//.test(url)) problems.push(`FSP_REDIS_URL must be a redis:// or rediss:// URL (got ${JSON.stringify(url)})`);
  return { redis: { kind: 'single', url }, keyPrefix };
}

function readHostPorts(variable: string, value: string, problems: string[]): Array<{ host: string; port: number }> {
  return value.split(',').flatMap((entry) => {
    const match = HOST_PORT.exec(entry.trim());
    if (!match || Number(match[2]) > 65535) {
      problems.push(`${variable}: ${JSON.stringify(entry.trim())} is not host:port`);
      return [];
    }
    return [{ host: (match[1] as string).replace(/^\[|\]$/g, ''), port: Number(match[2]) }];
  });
}

function readSingleNode(get: Reader, problems: string[]): NodeConfig {
  const host = get('FSP_ESL_HOST');
  const port = Number(get('FSP_ESL_PORT'));
  return checkNode(
    { name: get('FSP_NODE_NAME') || `${host}-${port}`, esl: { host, port, password: get('FSP_ESL_PASSWORD') }, sipAddress: get('FSP_NODE_SIP_ADDRESS') || undefined },
    'FSP_ESL_*/FSP_NODE_*',
    problems,
  );
}

/** FSP_NODES: a JSON array of {name, eslHost, eslPort, eslPassword?, sipAddress?}, for a controller serving several nodes. */
function readNodeList(value: string, defaultPassword: string, problems: string[]): NodeConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    problems.push('FSP_NODES must be a JSON array like [{"name":"node1","eslHost":"10.0.0.11","eslPort":8021,"sipAddress":"10.0.0.11:5090"}]');
    return [];
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    problems.push('FSP_NODES must be a non-empty JSON array');
    return [];
  }
  return parsed.map((entry: Record<string, unknown>, index) =>
    checkNode(
      {
        name: String(entry?.name ?? ''),
        esl: { host: String(entry?.eslHost ?? ''), port: Number(entry?.eslPort ?? 8021), password: String(entry?.eslPassword ?? defaultPassword) },
        sipAddress: entry?.sipAddress === undefined ? undefined : String(entry.sipAddress),
      },
      `FSP_NODES[${index}]`,
      problems,
    ),
  );
}

function checkNode(node: NodeConfig, where: string, problems: string[]): NodeConfig {
  if (!SAFE_NAME.test(node.name)) problems.push(`${where}: node name must be 1-64 of [A-Za-z0-9._-] (got ${JSON.stringify(node.name)})`);
  if (node.esl.host === '' || /\s/.test(node.esl.host)) problems.push(`${where}: ESL host must be a host name or address`);
  if (!Number.isInteger(node.esl.port) || node.esl.port < 1 || node.esl.port > 65535) problems.push(`${where}: ESL port must be a TCP port`);
  if (node.esl.password === '' || /[\r\n]/.test(node.esl.password)) problems.push(`${where}: ESL password must be set, on one line`);
  if (node.sipAddress !== undefined && !HOST_PORT.test(node.sipAddress)) problems.push(`${where}: SIP address must be ip:port (got ${JSON.stringify(node.sipAddress)})`);
  return Object.freeze({ ...node, esl: Object.freeze({ ...node.esl }) });
}
