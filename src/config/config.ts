import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { parseClaimStrategy, type ClaimStrategy } from '../domain/candidates.ts';
import { PICKUP_PREFIX_RULE, validatePickupPrefix } from '../domain/dialled.ts';
import { FsPickupError } from '../domain/errors.ts';
import { quote } from '../domain/quote.ts';
import { redactUrlPassword } from '../domain/redacted-url.ts';

/** One FreeSWITCH node this controller serves. */
export interface NodeConfig {
  /** Stable name of the node (survives restarts, unlike Core-UUID); the same on every controller serving it. */
  readonly name: string;
  readonly esl: { readonly host: string; readonly port: number; readonly password: string };
  /** `ip:port` of the node's `cluster` SIP profile: where other nodes send cross-node pickups. */
  readonly sipAddress: string | undefined;
}

/** Another node of the cluster this controller does not serve: it only puts hand-off tokens into its hash. */
export interface PeerNodeConfig {
  readonly name: string;
  readonly esl: { readonly host: string; readonly port: number; readonly password: string };
}

/** Where the controller listens for FreeSWITCH's pickup sockets (the dialplan's `socket` application). */
export interface SocketListenConfig {
  readonly host: string;
  readonly port: number;
  /**
   * Addresses allowed to connect, besides loopback and the served nodes' event-socket hosts (the socket has no
   * password of its own).
   */
  readonly allow: readonly string[];
}

/** Where the health and metrics endpoints listen; undefined when FSP_HTTP_LISTEN=off. */
export interface HttpListenConfig {
  readonly host: string;
  readonly port: number;
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
  /** The other nodes of the cluster, reached only for cross-node pickups. */
  readonly peers: readonly PeerNodeConfig[];
  readonly socket: SocketListenConfig;
  readonly http: HttpListenConfig | undefined;
  /** The bearer token of the admin API and the board; undefined: neither is served (FSP_API_TOKEN / _FILE unset). */
  readonly apiToken: string | undefined;
  /** On SIGTERM, how long pickups in flight may take to finish before their sockets are closed. */
  readonly drainTimeoutMs: number;
  /** The SIP profile used to reach other nodes (`sofia/<profile>/…`). */
  readonly clusterSipProfile: string;
  /** The SIP profile the phones register on: pickup notices go out through it (`chat … <profile>/<user>@<domain>`). */
  readonly chatProfile: string;
  readonly pickupPrefix: string;
  readonly claimStrategy: ClaimStrategy;
  readonly logLevel: string;
  readonly controllerId: string;
}

/**
 * Raised at start-up with every configuration problem at once. Each problem names the exact variable (or JSON field,
 * `FSP_NODES[1].eslPort`) and the value it holds — never a password's: of that it only says what is wrong.
 */
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
  FSP_PEERS: '',
  FSP_SOCKET_LISTEN: '127.0.0.1:8084',
  FSP_SOCKET_ALLOW: '',
  FSP_HTTP_LISTEN: '127.0.0.1:9464',
  FSP_API_TOKEN: '',
  FSP_API_TOKEN_FILE: '',
  FSP_DRAIN_TIMEOUT_MS: '10000',
  FSP_CLUSTER_SIP_PROFILE: 'cluster',
  FSP_CHAT_PROFILE: 'internal',
  FSP_PICKUP_PREFIX: '88',
  FSP_CLAIM_STRATEGY: 'random',
  FSP_LOG_LEVEL: 'info',
});

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const SAFE_NAME = /^[A-Za-z0-9._-]{1,64}$/;
const SAFE_NAME_RULE = 'must be 1-64 of [A-Za-z0-9._-]';
const HOST_PORT = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;
const NODE_EXAMPLES = {
  FSP_NODES: '[{"name":"node1","eslHost":"10.0.0.11","eslPort":8021,"sipAddress":"10.0.0.11:5090"}]',
  FSP_PEERS: '[{"name":"node2","eslHost":"10.0.0.12","eslPort":8021}]',
} as const;

type Env = Readonly<Record<string, string | undefined>>;
type Reader = (name: keyof typeof CONFIG_DEFAULTS) => string;

/** Where a value came from, for messages: the variable or JSON field, and the value as written (undefined: left out). */
interface Origin {
  readonly name: string;
  readonly value: unknown;
}

/** Where each setting of one node came from. */
interface NodeOrigins {
  readonly name: Origin;
  readonly host: Origin;
  readonly port: Origin;
  readonly password: Origin;
  readonly sipAddress: Origin;
}

/** The only reader of process.env. Throws ConfigError listing every invalid setting. */
export function loadConfig(env: Env = process.env): ControllerConfig {
  const get = reader(env);
  const problems: string[] = [];
  const { redis, keyPrefix } = readRedisSettings(get, problems);
  const nodes = get('FSP_NODES') ? readNodeArray('FSP_NODES', get('FSP_NODES'), get('FSP_ESL_PASSWORD'), problems) : [readSingleNode(get, problems)];
  const names = nodes.map((node) => node.name);
  for (const name of new Set(names.filter((name, index) => names.indexOf(name) !== index))) {
    problems.push(`FSP_NODES: the node name ${quote(name)} is given twice: every node needs its own name`);
  }
  const peers = get('FSP_PEERS') ? readNodeArray('FSP_PEERS', get('FSP_PEERS'), get('FSP_ESL_PASSWORD'), problems).map(({ name, esl }) => Object.freeze({ name, esl })) : [];
  for (const peer of peers) {
    if (names.includes(peer.name)) problems.push(`FSP_PEERS: the node name ${quote(peer.name)} is one this controller serves (FSP_NODES / FSP_NODE_NAME): list only the other nodes`);
  }
  const socket = readSocketListen(get, problems);
  const http = readHttpListen(get, problems);
  const apiToken = readApiToken(get, problems);
  const drainTimeoutMs = Number(get('FSP_DRAIN_TIMEOUT_MS'));
  if (!/^\d{1,7}$/.test(get('FSP_DRAIN_TIMEOUT_MS')) || drainTimeoutMs > 600_000) {
    problems.push(invalid(setting('FSP_DRAIN_TIMEOUT_MS', get('FSP_DRAIN_TIMEOUT_MS')), 'must be milliseconds, 0 to 600000'));
  }
  const clusterSipProfile = get('FSP_CLUSTER_SIP_PROFILE');
  if (!SAFE_NAME.test(clusterSipProfile)) problems.push(invalid(setting('FSP_CLUSTER_SIP_PROFILE', clusterSipProfile), 'must be a SIP profile name (1-64 of [A-Za-z0-9._-])'));
  const chatProfile = get('FSP_CHAT_PROFILE');
  if (!SAFE_NAME.test(chatProfile)) problems.push(invalid(setting('FSP_CHAT_PROFILE', chatProfile), 'must be a SIP profile name (1-64 of [A-Za-z0-9._-])'));
  const pickupPrefix = get('FSP_PICKUP_PREFIX');
  if (validatePickupPrefix(pickupPrefix)) problems.push(invalid(setting('FSP_PICKUP_PREFIX', pickupPrefix), PICKUP_PREFIX_RULE));
  const claimStrategy = parseClaimStrategy(get('FSP_CLAIM_STRATEGY'));
  if (!claimStrategy) problems.push(invalid(setting('FSP_CLAIM_STRATEGY', get('FSP_CLAIM_STRATEGY')), 'must be "random" (the spec) or "oldest"'));
  const logLevel = get('FSP_LOG_LEVEL');
  if (!LOG_LEVELS.has(logLevel)) problems.push(invalid(setting('FSP_LOG_LEVEL', logLevel), `must be one of ${[...LOG_LEVELS].join(', ')}`));

  if (problems.length > 0 || !claimStrategy) throw new ConfigError(problems);
  return Object.freeze({
    redis,
    keyPrefix,
    nodes: Object.freeze(nodes),
    peers: Object.freeze(peers),
    socket,
    http,
    apiToken,
    drainTimeoutMs,
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

function setting(name: keyof typeof CONFIG_DEFAULTS, value: string): Origin {
  return { name, value };
}

/** `NAME="value": rule` — the setting and the value it holds (quoted and cut: it is untrusted and may be long). */
function invalid(origin: Origin, rule: string): string {
  return `${origin.name}${shownValue(origin.value)}: ${rule}`;
}

/** A password is never shown: the message only says whether it is empty or what else is wrong with it. */
function invalidSecret(origin: Origin, rule: string): string {
  const state = origin.value === '' || origin.value === undefined ? 'is empty' : 'has a line break (value not shown)';
  return `${origin.name} ${state}: ${rule}`;
}

function shownValue(value: unknown): string {
  if (value === undefined) return ' is missing';
  if (typeof value === 'string') return `=${quote(value)}`;
  // A JSON field of another type (a number, an object…): as JSON, cut like a quoted string.
  const json = JSON.stringify(value);
  return `=${json.length > 80 ? `${json.slice(0, 80)}…` : json}`;
}

function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function readRedisSettings(get: Reader, problems: string[]): AdminConfig {
  const keyPrefix = get('FSP_REDIS_KEY_PREFIX');
  if (!SAFE_NAME.test(keyPrefix)) problems.push(invalid(setting('FSP_REDIS_KEY_PREFIX', keyPrefix), SAFE_NAME_RULE));
  const password = get('FSP_REDIS_PASSWORD') || undefined;
  if (get('FSP_REDIS_CLUSTER_NODES')) {
    return { redis: { kind: 'cluster', nodes: readHostPorts('FSP_REDIS_CLUSTER_NODES', get('FSP_REDIS_CLUSTER_NODES'), problems), password }, keyPrefix };
  }
  if (get('FSP_REDIS_SENTINELS')) {
    const name = get('FSP_REDIS_SENTINEL_NAME');
    if (!SAFE_NAME.test(name)) problems.push(invalid(setting('FSP_REDIS_SENTINEL_NAME', name), 'must be the master name (1-64 of [A-Za-z0-9._-])'));
    return { redis: { kind: 'sentinel', sentinels: readHostPorts('FSP_REDIS_SENTINELS', get('FSP_REDIS_SENTINELS'), problems), name, password }, keyPrefix };
  }
  const url = get('FSP_REDIS_URL');
  // The URL may hold the password (redis://:secret@host): shown without it.
  if (!/^rediss?:\/\//.test(url)) problems.push(invalid(setting('FSP_REDIS_URL', redactUrlPassword(url)), 'must be a redis:// or rediss:// URL'));
  return { redis: { kind: 'single', url }, keyPrefix };
}

function readHostPorts(variable: 'FSP_REDIS_CLUSTER_NODES' | 'FSP_REDIS_SENTINELS', value: string, problems: string[]): Array<{ host: string; port: number }> {
  return value.split(',').flatMap((entry) => {
    const match = HOST_PORT.exec(entry.trim());
    if (!match || Number(match[2]) > 65535) {
      problems.push(invalid(setting(variable, value), `${quote(entry.trim())} is not host:port (port 1-65535)`));
      return [];
    }
    return [{ host: (match[1] as string).replace(/^\[|\]$/g, ''), port: Number(match[2]) }];
  });
}

function readSingleNode(get: Reader, problems: string[]): NodeConfig {
  const host = get('FSP_ESL_HOST');
  const port = Number(get('FSP_ESL_PORT'));
  const name = get('FSP_NODE_NAME') || `${host}-${port}`;
  const nameOrigin = get('FSP_NODE_NAME') ? setting('FSP_NODE_NAME', name) : { name: 'FSP_NODE_NAME (not set, so FSP_ESL_HOST-FSP_ESL_PORT)', value: name };
  return checkNode(
    { name, esl: { host, port, password: get('FSP_ESL_PASSWORD') }, sipAddress: get('FSP_NODE_SIP_ADDRESS') || undefined },
    {
      name: nameOrigin,
      host: setting('FSP_ESL_HOST', host),
      port: setting('FSP_ESL_PORT', get('FSP_ESL_PORT')),
      password: setting('FSP_ESL_PASSWORD', get('FSP_ESL_PASSWORD')),
      sipAddress: setting('FSP_NODE_SIP_ADDRESS', get('FSP_NODE_SIP_ADDRESS')),
    },
    problems,
  );
}

/**
 * FSP_NODES (the nodes this controller serves, at least one) or FSP_PEERS (the other nodes of the cluster): a JSON array
 * of {name, eslHost, eslPort?, eslPassword?, sipAddress?}; eslPort defaults to 8021, eslPassword to FSP_ESL_PASSWORD,
 * and a peer's sipAddress is not used. The value itself is never shown: it may hold passwords.
 */
function readNodeArray(variable: 'FSP_NODES' | 'FSP_PEERS', value: string, defaultPassword: string, problems: string[]): NodeConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    problems.push(`${variable} is not valid JSON (value not shown: it may hold passwords): write a JSON array like ${NODE_EXAMPLES[variable]}`);
    return [];
  }
  if (!Array.isArray(parsed)) {
    problems.push(`${variable} is ${jsonTypeOf(parsed)} (value not shown: it may hold passwords): must be a JSON array like ${NODE_EXAMPLES[variable]}`);
    return [];
  }
  if (variable === 'FSP_NODES' && parsed.length === 0) {
    problems.push('FSP_NODES=[]: must name at least one node');
    return [];
  }
  return parsed.flatMap((entry: unknown, index) => {
    const at = `${variable}[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push(`${at} is ${jsonTypeOf(entry)}: must be an object like ${NODE_EXAMPLES[variable].slice(1, -1)}`);
      return [];
    }
    const fields = entry as Record<string, unknown>;
    const field = (key: string): Origin => ({ name: `${at}.${key}`, value: fields[key] });
    const password = fields.eslPassword === undefined ? setting('FSP_ESL_PASSWORD', defaultPassword) : field('eslPassword');
    const sipAddress = variable === 'FSP_NODES' && fields.sipAddress !== undefined ? String(fields.sipAddress) : undefined;
    const node = {
      name: String(fields.name ?? ''),
      esl: { host: String(fields.eslHost ?? ''), port: Number(fields.eslPort ?? 8021), password: String(password.value) },
      sipAddress,
    };
    return [checkNode(node, { name: field('name'), host: field('eslHost'), port: field('eslPort'), password, sipAddress: field('sipAddress') }, problems)];
  });
}

/** FSP_SOCKET_LISTEN (host:port) and FSP_SOCKET_ALLOW (comma-separated addresses). */
function readSocketListen(get: Reader, problems: string[]): SocketListenConfig {
  const listen = get('FSP_SOCKET_LISTEN');
  const match = HOST_PORT.exec(listen);
  if (!match || Number(match[2]) > 65535) problems.push(invalid(setting('FSP_SOCKET_LISTEN', listen), 'must be host:port, e.g. 0.0.0.0:8084'));
  const allow = get('FSP_SOCKET_ALLOW')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const address of allow) {
    if (!isIP(address)) problems.push(invalid(setting('FSP_SOCKET_ALLOW', get('FSP_SOCKET_ALLOW')), `${quote(address)} is not an IP address`));
  }
  return Object.freeze({ host: (match?.[1] ?? '127.0.0.1').replace(/^\[|\]$/g, ''), port: Number(match?.[2] ?? 8084), allow: Object.freeze(allow) });
}

/** Shortest API token accepted: a guessable token would open the users' settings to anyone who can connect. */
const MIN_TOKEN_LENGTH = 16;

/** FSP_API_TOKEN, or the first line of the file FSP_API_TOKEN_FILE names (a secret kept out of the environment). */
function readApiToken(get: Reader, problems: string[]): string | undefined {
  const inline = get('FSP_API_TOKEN');
  const file = get('FSP_API_TOKEN_FILE');
  if (inline !== '' && file !== '') {
    problems.push('FSP_API_TOKEN and FSP_API_TOKEN_FILE are both set: set one of them');
    return undefined;
  }
  let token = inline;
  let origin = setting('FSP_API_TOKEN', inline);
  if (file !== '') {
    try {
      token = (readFileSync(file, 'utf8').split('\n')[0] ?? '').replace(/\r$/, '');
    } catch (error) {
      problems.push(invalid(setting('FSP_API_TOKEN_FILE', file), `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`));
      return undefined;
    }
    origin = { name: `the first line of FSP_API_TOKEN_FILE (${quote(file)})`, value: token };
  }
  if (token === '' && file === '') return undefined;
  if (token.length < MIN_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(token)) {
    const state = token === '' ? 'is empty' : 'is not accepted (value not shown)';
    problems.push(`${origin.name} ${state}: an API token must be ${MIN_TOKEN_LENGTH} or more printable ASCII characters without spaces, e.g. from \`openssl rand -hex 32\``);
    return undefined;
  }
  return token;
}

/** FSP_HTTP_LISTEN: host:port of the health and metrics endpoints, or "off". */
function readHttpListen(get: Reader, problems: string[]): HttpListenConfig | undefined {
  const listen = get('FSP_HTTP_LISTEN');
  if (listen === 'off') return undefined;
  const match = HOST_PORT.exec(listen);
  if (!match || Number(match[2]) > 65535) {
    problems.push(invalid(setting('FSP_HTTP_LISTEN', listen), 'must be host:port, e.g. 127.0.0.1:9464, or "off"'));
    return undefined;
  }
  return Object.freeze({ host: match[1]!.replace(/^\[|\]$/g, ''), port: Number(match[2]) });
}

function checkNode(node: NodeConfig, from: NodeOrigins, problems: string[]): NodeConfig {
  if (!SAFE_NAME.test(node.name)) problems.push(invalid(from.name, `a node name ${SAFE_NAME_RULE}`));
  if (node.esl.host === '' || /\s/.test(node.esl.host)) problems.push(invalid(from.host, 'must be the host name or address of the event socket'));
  if (!Number.isInteger(node.esl.port) || node.esl.port < 1 || node.esl.port > 65535) problems.push(invalid(from.port, 'must be a TCP port (1-65535)'));
  if (node.esl.password === '' || /[\r\n]/.test(node.esl.password)) problems.push(invalidSecret(from.password, 'the event socket password must be set, on one line'));
  if (node.sipAddress !== undefined && !HOST_PORT.test(node.sipAddress)) problems.push(invalid(from.sipAddress, "must be ip:port of the node's cluster SIP profile"));
  return Object.freeze({ ...node, esl: Object.freeze({ ...node.esl }) });
}
