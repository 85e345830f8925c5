import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeReaper } from '../../src/cluster/node-reaper.ts';
import { CallStore } from '../../src/store/call-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { NodeRegistry } from '../../src/store/node-registry.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { TokenStore } from '../../src/store/token-store.ts';
import { topologies } from '../helpers/topologies.ts';

describe.each(topologies())('node registry, tokens and reaper against $name', ({ connect, teardown }) => {
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
    expect([...(await a.liveNodes())].sort()).toEqual(['node1', 'node2']);
    await a.withdraw('node1');
    now += 600; // past the half-second cache
    expect([...(await a.liveNodes())].sort()).toEqual(['node1', 'node2']); // b still serves node1
    await b.withdraw('node1');
    now += 600;
    expect(await a.deadNodes()).toEqual(['node1']);
    now += 8_000; // controller-a died: its node2 heartbeat expires
    expect(await b.deadNodes()).toEqual(['node1', 'node2']);
    expect(await a.sipAddressOf('node1')).toBe('10.0.0.1:5090');
    expect(await a.sipAddressOf('node2')).toBeUndefined();
  });

  it('reports a new Core-UUID (a FreeSWITCH restart) once', async () => {
    const registry = new NodeRegistry(redis, keys, 'c', 8_000);
    expect(await registry.swapCoreUuid('node9', 'core-a')).toBeUndefined();
    expect(await registry.swapCoreUuid('node9', 'core-a')).toBeUndefined();
    expect(await registry.swapCoreUuid('node9', 'core-b')).toBe('core-a');
  });

  it('tokens are single use: first use gets the ticket, the same leg again gets "again", another leg nothing', async () => {
    const tokens = new TokenStore(redis, keys);
    const token = randomBytes(16).toString('hex');
    const ticket = { domain: 'pbx.test', callUuid: randomUUID(), callKind: 'user' as const, node: 'node2', pickerUuid: randomUUID(), pickerNode: 'node1' };
    await tokens.issue(token, ticket, 10_000);
    expect(await tokens.consume(token, 'leg-1')).toEqual(ticket);
    expect(await tokens.consume(token, 'leg-1')).toBe('again');
    expect(await tokens.consume(token, 'leg-2')).toBeUndefined();
    expect(await tokens.consume(randomBytes(16).toString('hex'), 'leg-3')).toBeUndefined();
  });

  it('tokens expire', async () => {
    const tokens = new TokenStore(redis, keys);
    const token = randomBytes(16).toString('hex');
    await tokens.issue(token, { domain: 'd', callUuid: 'c', callKind: 'user', node: 'n', pickerUuid: 'p', pickerNode: 'm' }, 50);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await tokens.consume(token, 'leg')).toBeUndefined();
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
