import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadAdminConfig, loadConfig } from '../../src/config/config.ts';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('loadConfig', () => {
  it('has working defaults: one node on the local event socket, a local Redis, 88, random', () => {
    const config = loadConfig({});
    expect(config.nodes).toEqual([{ name: '127.0.0.1-8021', esl: { host: '127.0.0.1', port: 8021, password: 'ClueCon' }, sipAddress: undefined }]);
    expect(config.redis).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6379' });
    expect([config.pickupPrefix, config.claimStrategy, config.clusterSipProfile, config.keyPrefix]).toEqual(['88', 'random', 'cluster', 'fsp']);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('listens for health and metrics on 127.0.0.1:9464 unless told otherwise or "off", and drains 10 s on SIGTERM', () => {
    expect(loadConfig({}).http).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(loadConfig({}).drainTimeoutMs).toBe(10_000);
    expect(loadConfig({ FSP_HTTP_LISTEN: '[::]:9100' }).http).toEqual({ host: '::', port: 9100 });
    expect(loadConfig({ FSP_HTTP_LISTEN: 'off' }).http).toBeUndefined();
    expect(loadConfig({ FSP_DRAIN_TIMEOUT_MS: '0' }).drainTimeoutMs).toBe(0);
  });

  it('takes the API token from FSP_API_TOKEN or the first line of FSP_API_TOKEN_FILE, and never shows it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fsp-token-'));
    try {
      const token = 'a'.repeat(8) + 'B0-_.~!'.repeat(2);
      writeFileSync(join(dir, 'token'), `${token}\nignored second line\n`);
      expect(loadConfig({}).apiToken).toBeUndefined();
      expect(loadConfig({ FSP_API_TOKEN: token }).apiToken).toBe(token);
      expect(loadConfig({ FSP_API_TOKEN_FILE: join(dir, 'token') }).apiToken).toBe(token);
      expect(problemsOf({ FSP_API_TOKEN: token, FSP_API_TOKEN_FILE: join(dir, 'token') })).toEqual(['FSP_API_TOKEN and FSP_API_TOKEN_FILE are both set: set one of them']);
      expect(problemsOf({ FSP_API_TOKEN_FILE: join(dir, 'missing') })).toEqual([`FSP_API_TOKEN_FILE="${join(dir, 'missing')}": cannot be read (ENOENT)`]);
      const short = problemsOf({ FSP_API_TOKEN: 'short-secret' });
      expect(short).toEqual(['FSP_API_TOKEN is not accepted (value not shown): an API token must be 16 or more printable ASCII characters without spaces, e.g. from `openssl rand -hex 32`']);
      expect(problemsOf({ FSP_API_TOKEN: 'sixteen chars with spaces' }).join()).not.toContain('sixteen chars');
      writeFileSync(join(dir, 'empty'), '\n');
      expect(problemsOf({ FSP_API_TOKEN_FILE: join(dir, 'empty') })[0]).toMatch(/^the first line of FSP_API_TOKEN_FILE \(".*empty"\) is empty: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads several nodes from FSP_NODES, with the shared password as default', () => {
    const config = loadConfig({
      FSP_ESL_PASSWORD: 'secret',
      FSP_NODES: JSON.stringify([
        { name: 'node1', eslHost: '10.0.0.11', eslPort: 8021, sipAddress: '10.0.0.11:5090' },
        { name: 'node2', eslHost: '10.0.0.12', eslPort: 8022, eslPassword: 'other' },
      ]),
    });
    expect(config.nodes.map((n) => [n.name, n.esl.host, n.esl.port, n.esl.password, n.sipAddress])).toEqual([
      ['node1', '10.0.0.11', 8021, 'secret', '10.0.0.11:5090'],
      ['node2', '10.0.0.12', 8022, 'other', undefined],
    ]);
  });

  it('reads a Redis Cluster or Sentinel target', () => {
    expect(loadConfig({ FSP_REDIS_CLUSTER_NODES: '10.0.0.1:7000, 10.0.0.2:7001', FSP_REDIS_PASSWORD: 'pw' }).redis).toEqual({
      kind: 'cluster',
      nodes: [{ host: '10.0.0.1', port: 7000 }, { host: '10.0.0.2', port: 7001 }],
      password: 'pw',
    });
    expect(loadAdminConfig({ FSP_REDIS_SENTINELS: 's1:26379', FSP_REDIS_SENTINEL_NAME: 'pbx' }).redis).toEqual({ kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }], name: 'pbx', password: undefined });
  });

  it('lists every problem at once, each naming its variable and value', () => {
    const problems = problemsOf({
      FSP_ESL_PORT: '99999',
      FSP_PICKUP_PREFIX: 'ab',
      FSP_CLAIM_STRATEGY: 'first',
      FSP_LOG_LEVEL: 'loud',
      FSP_REDIS_URL: 'http://x',
      FSP_NODE_SIP_ADDRESS: '10.0.0.1',
      FSP_NODE_NAME: 'bad name',
    });
    expect(problems).toEqual([
      'FSP_REDIS_URL="http://x": must be a redis:// or rediss:// URL',
      'FSP_NODE_NAME="bad name": a node name must be 1-64 of [A-Za-z0-9._-]',
      'FSP_ESL_PORT="99999": must be a TCP port (1-65535)',
      'FSP_NODE_SIP_ADDRESS="10.0.0.1": must be ip:port of the node\'s cluster SIP profile',
      'FSP_PICKUP_PREFIX="ab": use 1 to 8 of the characters 0-9, "*" and "#"',
      'FSP_CLAIM_STRATEGY="first": must be "random" (the spec) or "oldest"',
      'FSP_LOG_LEVEL="loud": must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });

  it.each([
    [{ FSP_ESL_PORT: 'abc' }, 'FSP_ESL_PORT="abc": must be a TCP port (1-65535)'],
    [{ FSP_ESL_PORT: '' }, 'FSP_ESL_PORT="": must be a TCP port (1-65535)'],
    [{ FSP_ESL_HOST: 'a b', FSP_NODE_NAME: 'node1' }, 'FSP_ESL_HOST="a b": must be the host name or address of the event socket'],
    [{ FSP_ESL_HOST: '::1' }, 'FSP_NODE_NAME (not set, so FSP_ESL_HOST-FSP_ESL_PORT)="::1-8021": a node name must be 1-64 of [A-Za-z0-9._-]'],
    [{ FSP_ESL_PASSWORD: '' }, 'FSP_ESL_PASSWORD is empty: the event socket password must be set, on one line'],
    [{ FSP_REDIS_KEY_PREFIX: 'fs p' }, 'FSP_REDIS_KEY_PREFIX="fs p": must be 1-64 of [A-Za-z0-9._-]'],
    [{ FSP_REDIS_CLUSTER_NODES: '10.0.0.1:7000,host-without-port' }, 'FSP_REDIS_CLUSTER_NODES="10.0.0.1:7000,host-without-port": "host-without-port" is not host:port (port 1-65535)'],
    [{ FSP_REDIS_SENTINELS: 's1:99999' }, 'FSP_REDIS_SENTINELS="s1:99999": "s1:99999" is not host:port (port 1-65535)'],
    [{ FSP_REDIS_SENTINELS: 's1:26379', FSP_REDIS_SENTINEL_NAME: 'my master' }, 'FSP_REDIS_SENTINEL_NAME="my master": must be the master name (1-64 of [A-Za-z0-9._-])'],
    [{ FSP_SOCKET_LISTEN: '8084' }, 'FSP_SOCKET_LISTEN="8084": must be host:port, e.g. 0.0.0.0:8084'],
    [{ FSP_HTTP_LISTEN: 'on' }, 'FSP_HTTP_LISTEN="on": must be host:port, e.g. 127.0.0.1:9464, or "off"'],
    [{ FSP_HTTP_LISTEN: '127.0.0.1:70000' }, 'FSP_HTTP_LISTEN="127.0.0.1:70000": must be host:port, e.g. 127.0.0.1:9464, or "off"'],
    [{ FSP_DRAIN_TIMEOUT_MS: '10s' }, 'FSP_DRAIN_TIMEOUT_MS="10s": must be milliseconds, 0 to 600000'],
    [{ FSP_DRAIN_TIMEOUT_MS: '600001' }, 'FSP_DRAIN_TIMEOUT_MS="600001": must be milliseconds, 0 to 600000'],
    [{ FSP_SOCKET_ALLOW: '10.0.0.5, pbx-host' }, 'FSP_SOCKET_ALLOW="10.0.0.5, pbx-host": "pbx-host" is not an IP address'],
    [{ FSP_CLUSTER_SIP_PROFILE: 'clu ster' }, 'FSP_CLUSTER_SIP_PROFILE="clu ster": must be a SIP profile name (1-64 of [A-Za-z0-9._-])'],
    [{ FSP_CHAT_PROFILE: '' }, 'FSP_CHAT_PROFILE="": must be a SIP profile name (1-64 of [A-Za-z0-9._-])'],
    [{ FSP_NODES: '[]' }, 'FSP_NODES=[]: must name at least one node'],
    [{ FSP_NODES: '[{"name":"node1","eslHost":"h","eslPort":"abc"}]' }, 'FSP_NODES[0].eslPort="abc": must be a TCP port (1-65535)'],
    [{ FSP_NODES: '[{"name":"node1","eslHost":"h"},{"name":"node2","eslHost":"h","eslPort":70000}]' }, 'FSP_NODES[1].eslPort=70000: must be a TCP port (1-65535)'],
    [{ FSP_NODES: '[{"name":"node1"}]' }, 'FSP_NODES[0].eslHost is missing: must be the host name or address of the event socket'],
    [{ FSP_NODES: '[{"name":"node 1","eslHost":"h"}]' }, 'FSP_NODES[0].name="node 1": a node name must be 1-64 of [A-Za-z0-9._-]'],
    [{ FSP_NODES: '[{"name":"node1","eslHost":"h","sipAddress":"h"}]' }, 'FSP_NODES[0].sipAddress="h": must be ip:port of the node\'s cluster SIP profile'],
    [{ FSP_NODES: '["node1"]' }, 'FSP_NODES[0] is a string: must be an object like {"name":"node1","eslHost":"10.0.0.11","eslPort":8021,"sipAddress":"10.0.0.11:5090"}'],
    [{ FSP_NODES: '[{"name":"a","eslHost":"h"},{"name":"a","eslHost":"h2"}]' }, 'FSP_NODES: the node name "a" is given twice: every node needs its own name'],
    [{ FSP_PEERS: '[{"name":"node2","eslHost":""}]' }, 'FSP_PEERS[0].eslHost="": must be the host name or address of the event socket'],
    [{ FSP_NODE_NAME: 'node1', FSP_PEERS: '[{"name":"node1","eslHost":"h"}]' }, 'FSP_PEERS: the node name "node1" is one this controller serves (FSP_NODES / FSP_NODE_NAME): list only the other nodes'],
  ])('names the variable and the value: %j', (env, problem) => {
    expect(problemsOf(env)).toEqual([problem]);
  });

  it('never shows a password: it says whether the password is empty or spans lines, and hides the one in a URL', () => {
    const secret = 'pa55word';
    const problems = [
      ...problemsOf({ FSP_ESL_PASSWORD: `${secret}\nmore` }),
      ...problemsOf({ FSP_NODES: JSON.stringify([{ name: 'n', eslHost: 'h', eslPassword: `${secret}\r` }]) }),
      ...problemsOf({ FSP_NODES: JSON.stringify([{ name: 'n', eslHost: 'h' }]), FSP_ESL_PASSWORD: '' }),
      ...problemsOf({ FSP_NODES: `[{"name":"n","eslPassword":"${secret}"` }),
      ...problemsOf({ FSP_PEERS: JSON.stringify({ name: 'n', eslPassword: secret }) }),
      ...problemsOf({ FSP_REDIS_URL: `redis//:${secret}@10.0.0.9:6379` }),
    ];
    expect(problems).toEqual([
      'FSP_ESL_PASSWORD has a line break (value not shown): the event socket password must be set, on one line',
      'FSP_NODES[0].eslPassword has a line break (value not shown): the event socket password must be set, on one line',
      'FSP_ESL_PASSWORD is empty: the event socket password must be set, on one line',
      'FSP_NODES is not valid JSON (value not shown: it may hold passwords): write a JSON array like [{"name":"node1","eslHost":"10.0.0.11","eslPort":8021,"sipAddress":"10.0.0.11:5090"}]',
      'FSP_PEERS is an object (value not shown: it may hold passwords): must be a JSON array like [{"name":"node2","eslHost":"10.0.0.12","eslPort":8021}]',
      'FSP_REDIS_URL="redis//:***@10.0.0.9:6379": must be a redis:// or rediss:// URL',
    ]);
    expect(problems.join('\n')).not.toContain(secret);
  });

  it('reports the problems of every node and of the rest together', () => {
    const problems = problemsOf({
      FSP_NODES: JSON.stringify([{ name: 'node1', eslHost: 'h', eslPort: 0 }, 7, { name: 'node3', eslHost: 'h', sipAddress: 'x' }]),
      FSP_LOG_LEVEL: 'LOUD',
    });
    expect(problems).toEqual([
      'FSP_NODES[0].eslPort=0: must be a TCP port (1-65535)',
      'FSP_NODES[1] is a number: must be an object like {"name":"node1","eslHost":"10.0.0.11","eslPort":8021,"sipAddress":"10.0.0.11:5090"}',
      'FSP_NODES[2].sipAddress="x": must be ip:port of the node\'s cluster SIP profile',
      'FSP_LOG_LEVEL="LOUD": must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });
});

describe('loadAdminConfig', () => {
  it('names the Redis variable and its value, without the password of a URL', () => {
    try {
      loadAdminConfig({ FSP_REDIS_URL: 'tcp://admin:hunter2@10.0.0.9', FSP_REDIS_KEY_PREFIX: '' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems).toEqual([
        'FSP_REDIS_KEY_PREFIX="": must be 1-64 of [A-Za-z0-9._-]',
        'FSP_REDIS_URL="tcp://admin:***@10.0.0.9": must be a redis:// or rediss:// URL',
      ]);
      expect((error as ConfigError).message).toBe(
        'invalid configuration:\n  - FSP_REDIS_KEY_PREFIX="": must be 1-64 of [A-Za-z0-9._-]\n  - FSP_REDIS_URL="tcp://admin:***@10.0.0.9": must be a redis:// or rediss:// URL',
      );
    }
  });
});
