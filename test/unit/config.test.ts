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

  it('lists every problem at once, naming the variable', () => {
    const problems = problemsOf({
      FSP_ESL_PORT: '99999',
      FSP_PICKUP_PREFIX: 'ab',
      FSP_CLAIM_STRATEGY: 'first',
      FSP_LOG_LEVEL: 'loud',
      FSP_REDIS_URL: 'http://x',
      FSP_NODE_SIP_ADDRESS: '10.0.0.1',
      FSP_NODE_NAME: 'bad name',
    });
    expect(problems.join('\n')).toMatch(/ESL port/);
    expect(problems.join('\n')).toMatch(/FSP_PICKUP_PREFIX/);
    expect(problems.join('\n')).toMatch(/FSP_CLAIM_STRATEGY/);
    expect(problems.join('\n')).toMatch(/FSP_LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/FSP_REDIS_URL/);
    expect(problems.join('\n')).toMatch(/SIP address must be ip:port/);
    expect(problems.join('\n')).toMatch(/node name/);
    expect(problems).toHaveLength(7);
  });

  it('refuses malformed FSP_NODES, duplicate names and bad cluster node lists', () => {
    expect(problemsOf({ FSP_NODES: '{not json' })).toEqual([expect.stringMatching(/JSON array/)]);
    expect(problemsOf({ FSP_NODES: '[]' })).toEqual([expect.stringMatching(/non-empty/)]);
    expect(problemsOf({ FSP_NODES: JSON.stringify([{ name: 'a', eslHost: 'h' }, { name: 'a', eslHost: 'h2' }]) })).toEqual([expect.stringMatching(/twice/)]);
    expect(problemsOf({ FSP_REDIS_CLUSTER_NODES: 'host-without-port' })).toEqual([expect.stringMatching(/not host:port/)]);
    expect(problemsOf({ FSP_ESL_PASSWORD: 'a\nb' })).toEqual([expect.stringMatching(/one line/)]);
  });
});
