import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NodeReaper } from '../../src/cluster/node-reaper.ts';
import { CallStore } from '../../src/store/call-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { NodeRegistry } from '../../src/store/node-registry.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { HandoffTokenStore } from '../../src/store/handoff-tokens.ts';
import { topologies } from '../helpers/topologies.ts';

describe.each(topologies())('node registry, hand-off tokens and reaper against $name', ({ connect, teardown }) => {
  let redis: Redis | Cluster;
  let keys: Keys;

  beforeAll(async () => {
    redis = await connect();
    keys = new Keys(`t${randomUUID().slice(0, 8)}`);
  }, 30_000);

  afterAll(async () => {
    await redis.quit();
    await teardown();
  });

  it('a node is alive while any controller heartbeats it; a withdrawal or an expiry makes it dead', async () => {
    let now = 1_000_000;
    const clock = () => now;
    const a = new NodeRegistry(redis, keys, 'controller-a', 8_000, clock);
    const b = new NodeRegistry(redis, keys, 'controller-b', 8_000, clock);
    await a.heartbeat('node1', { sipAddress: '10.0.0.1:5090', coreUuid: 'core-1' });
    await b.heartbeat('node1', { sipAddress: '10.0.0.1:5090', coreUuid: 'core-1' });
    await a.heartbeat('node2', { sipAddress: undefined, coreUuid: 'core-2' });
    // Every change this controller makes refreshes its view at once.
    expect([...a.view.liveNodes].sort()).toEqual(['node1', 'node2']);
    expect(a.view.sipAddresses).toEqual(new Map([['node1', '10.0.0.1:5090']]));
    await a.withdraw('node1');
    expect([...a.view.liveNodes].sort()).toEqual(['node1', 'node2']); // b still serves node1
    await b.withdraw('node1');
    expect(await a.deadNodes()).toEqual(['node1']);
    expect([...a.view.liveNodes]).toEqual(['node2']);
    expect([...a.view.deadNodes]).toEqual(['node1']);
    now += 8_001; // controller-a died: its node2 heartbeat expires
    expect(await b.deadNodes()).toEqual(['node1', 'node2']);
    expect(b.view.liveNodes.size).toBe(0);
  });

  it('reports a new Core-UUID (a FreeSWITCH restart) once', async () => {
    const registry = new NodeRegistry(redis, keys, 'c', 8_000);
    expect(await registry.swapCoreUuid('node9', 'core-a')).toBeUndefined();
    expect(await registry.swapCoreUuid('node9', 'core-a')).toBeUndefined();
    expect(await registry.swapCoreUuid('node9', 'core-b')).toBe('core-a');
  });

  it('keeps a view of the cluster up to date in the background', async () => {
    const watcher = new NodeRegistry(redis, keys, 'watcher', 8_000, Date.now, 20);
    const server = new NodeRegistry(redis, keys, 'server', 8_000);
    watcher.start();
    try {
      await server.heartbeat('node-bg', { sipAddress: '10.0.0.9:5090', coreUuid: 'z' });
      await vi.waitFor(() => expect(watcher.view.sipAddresses.get('node-bg')).toBe('10.0.0.9:5090'));
      await server.withdraw('node-bg');
      await vi.waitFor(() => expect(watcher.view.liveNodes.has('node-bg')).toBe(false));
    } finally {
      watcher.stop();
    }
  });

  it('lists hand-off tokens per node until they are forgotten, with expired ones first', async () => {
    const tokens = new HandoffTokenStore(redis, keys);
    const now = Date.now();
    await tokens.record('node2', 'pickup-b', now + 2_000);
    await tokens.record('node2', 'pickup-a', now + 1_000);
    await tokens.record('node3', 'pickup-c', now + 1_000);
    expect(await tokens.expired('node2', now + 500)).toEqual([]);
    expect(await tokens.expired('node2', now + 2_500)).toEqual(['pickup-a', 'pickup-b']);
    await tokens.forget('node2', ['pickup-a']);
    expect(await tokens.expired('node2', now + 2_500)).toEqual(['pickup-b']);
    expect(await tokens.expired('node3', now + 2_500)).toEqual(['pickup-c']);
    expect(await redis.pttl(keys.nodeTokens('node2'))).toBeGreaterThan(0);
  });

  it('the reaper takes the calls of a dead node offline, once, and leaves live nodes alone', async () => {
    const calls = new CallStore(redis, keys);
    await new PreferenceStore(redis, keys).setMany([{ user: { extension: '200', domain: 'pbx.test' }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'], pickupGroups: [] } }]);
    const registry = new NodeRegistry(redis, keys, 'c', 8_000);
    await registry.heartbeat('live-node', { sipAddress: undefined, coreUuid: 'x' });
    await registry.heartbeat('dying-node', { sipAddress: undefined, coreUuid: 'y' });
    const live = { legUuid: randomUUID(), callUuid: randomUUID(), extension: '200', domain: 'pbx.test', node: 'live-node', callerNumber: '', callerName: '' };
    const dying = { ...live, legUuid: randomUUID(), callUuid: randomUUID(), node: 'dying-node' };
    await calls.addRingingLeg(live);
    await calls.addRingingLeg(dying);
    await registry.withdraw('dying-node');
    const reaper = new NodeReaper(new NodeRegistry(redis, keys, 'other', 8_000), calls, pino({ level: 'silent' }));
    await reaper.sweep();
    expect((await calls.getCall('pbx.test', dying.callUuid))?.state).toBe('offline');
    expect((await calls.getCall('pbx.test', live.callUuid))?.state).toBe('ringing');
    expect(await calls.pickableInGroup('pbx.test', 'sales')).toEqual([live.callUuid]);
  });
});
