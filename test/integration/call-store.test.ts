import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { claimOne, claimRequest } from '../helpers/claims.ts';
import { CallStore, type RingingLeg } from '../../src/store/call-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { keysUnder } from '../helpers/redis-client.ts';
import { topologies } from '../helpers/topologies.ts';

const DOMAIN = 'pbx.test';
const NODE = 'node-a';
/** No node is known to be down. */
const NONE_DEAD: string[] = [];

/** The same suite runs against a single Redis and a 3-master Redis Cluster (every script touches one slot). */
describe.each(topologies())('CallStore against $name', ({ connect, teardown }) => {
  let redis: Redis | Cluster;
  let keys: Keys;
  let prefix: string;
  let calls: CallStore;
  let preferences: PreferenceStore;

  beforeAll(async () => {
    redis = await connect();
    prefix = `t${randomUUID().slice(0, 8)}`;
    keys = new Keys(prefix);
    calls = new CallStore(redis, keys);
    preferences = new PreferenceStore(redis, keys);
  }, 30_000);

  afterAll(async () => {
    await redis.quit();
    await teardown();
  });

  beforeEach(async () => {
    for (const key of await keysUnder(redis, prefix)) await redis.del(key);
    await preferences.setMany([
      { user: { extension: '200', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'], pickupGroups: [] } },
      { user: { extension: '201', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales', 'support'], pickupGroups: [] } },
      { user: { extension: '202', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['support'], pickupGroups: [] } },
    ]);
  });

  function leg(callUuid: string, extension: string, legUuid = randomUUID()): RingingLeg {
    return { legUuid, callUuid, extension, domain: DOMAIN, node: NODE, callerNumber: '300', callerName: 'Caller 300' };
  }

  /** Keys that must be gone once no call rings: everything but preferences and short-lived markers with a TTL. */
  async function leftovers(): Promise<string[]> {
    const left: string[] = [];
    for (const key of await keysUnder(redis, prefix)) {
      if (key.includes(':user:') || key.endsWith(':users') || key.endsWith(':domains')) continue;
      // Tombstones, request markers and lamp states (group and extension) outlive a call on purpose, with a TTL.
      if ((await redis.ttl(key)) > 0 && /:ended:|:request:|:blf:|:extlamp:/.test(key)) continue;
      left.push(key);
    }
    return left;
  }

  it('indexes a call under the union of the call groups of the users it rings', async () => {
    const callUuid = randomUUID();
    await calls.addRingingLeg(leg(callUuid, '200'));
    const second = await calls.addRingingLeg(leg(callUuid, '202'));
    expect(second).toEqual({ outcome: 'added', callGroups: ['sales', 'support'] });
    expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([callUuid]);
    expect(await calls.pickableInGroup(DOMAIN, 'support')).toEqual([callUuid]);
  });

  it('offers a ringing call under its users’ new groups as soon as their preferences change (an import after Redis came back empty)', async () => {
    const ringing = randomUUID();
    const claimed = randomUUID();
    await calls.addRingingLeg(leg(ringing, '203'));
    await calls.addRingingLeg(leg(claimed, '203'));
    expect(await calls.pickableInGroup(DOMAIN, 'marketing')).toEqual([]);
    expect((await claimOne(calls, DOMAIN, { extension: '203' }, 'picker-1', 'oldest', 0, NONE_DEAD, { tried: [ringing] }))?.callUuid).toBe(claimed);
    const ttlBefore = await redis.ttl(keys.call(DOMAIN, ringing));
    await preferences.setMany([{ user: { extension: '203', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['marketing'] } }]);
    // The ringing one is offered at once, keeping its lifetime; the claimed one stays with its picker.
    expect(await calls.pickableInGroup(DOMAIN, 'marketing')).toEqual([ringing]);
    expect(await redis.ttl(keys.groupIndex(DOMAIN, 'marketing'))).toBeGreaterThan(0);
    expect(await redis.ttl(keys.call(DOMAIN, ringing))).toBeLessThanOrEqual(ttlBefore);
    await preferences.setMany([{ user: { extension: '203', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['support'] } }]);
    expect(await calls.pickableInGroup(DOMAIN, 'marketing')).toEqual([]);
    expect(await calls.pickableInGroup(DOMAIN, 'support')).toEqual([ringing]);
  });

  it('drops a group when the only leg that brought it stops ringing, and the call with its last leg', async () => {
    const callUuid = randomUUID();
    const a = leg(callUuid, '200');
    const b = leg(callUuid, '202');
    await calls.addRingingLeg(a);
    await calls.addRingingLeg(b);
    expect(await calls.removeLeg(DOMAIN, callUuid, b.legUuid, NODE)).toBe('leg-removed');
    expect(await calls.pickableInGroup(DOMAIN, 'support')).toEqual([]);
    expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([callUuid]);
    expect(await calls.removeLeg(DOMAIN, callUuid, a.legUuid, NODE)).toBe('call-ended');
    expect(await calls.getCall(DOMAIN, callUuid)).toBeUndefined();
    expect(await leftovers()).toEqual([]);
  });

  it('ignores duplicated events and never resurrects a leg from a late ringing event', async () => {
    const callUuid = randomUUID();
    const ringing = leg(callUuid, '200');
    expect((await calls.addRingingLeg(ringing)).outcome).toBe('added');
    expect((await calls.addRingingLeg(ringing)).outcome).toBe('known');
    await calls.removeLeg(DOMAIN, callUuid, ringing.legUuid, NODE);
    expect((await calls.addRingingLeg(ringing)).outcome).toBe('ended');
    expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([]);
  });

  it('handles a hangup that arrives before the leg was seen ringing (out of order)', async () => {
    const callUuid = randomUUID();
    const ringing = leg(callUuid, '200');
    expect(await calls.removeLeg(DOMAIN, callUuid, ringing.legUuid, NODE)).toBe('unknown');
    expect((await calls.addRingingLeg(ringing)).outcome).toBe('ended');
    expect(await leftovers()).toEqual([]);
  });

  it('gives a claimed call to exactly one picker and hides it from the others', async () => {
    const callUuid = randomUUID();
    await calls.addRingingLeg(leg(callUuid, '200'));
    const first = await claimOne(calls, DOMAIN, { group: 'sales' }, 'picker-1', 'random', 0.5, NONE_DEAD);
    const second = await claimOne(calls, DOMAIN, { group: 'sales' }, 'picker-2', 'random', 0.5, NONE_DEAD);
    expect(first?.callUuid).toBe(callUuid);
    expect(first?.callGroups).toEqual(['sales']);
    expect(second).toBeUndefined();
    expect((await calls.getCall(DOMAIN, callUuid))?.claimedBy).toBe('picker-1');
  });

  it('offers a released claim again, but only the claimer can release it', async () => {
    const callUuid = randomUUID();
    await calls.addRingingLeg(leg(callUuid, '200'));
    await claimOne(calls, DOMAIN, { group: 'sales' }, 'picker-1', 'oldest', 0, NONE_DEAD);
    expect(await calls.release(DOMAIN, callUuid, 'picker-2')).toBe(false);
    expect(await calls.release(DOMAIN, callUuid, 'picker-1')).toBe(true);
    expect((await claimOne(calls, DOMAIN, { group: 'sales' }, 'picker-2', 'oldest', 0, NONE_DEAD))?.callUuid).toBe(callUuid);
  });

  it('offers a claim again once its claimer vanished past the claim lifetime', async () => {
    let now = 1_000_000;
    const shortClaims = new CallStore(redis, keys, { claimLifetimeMs: 100 }, () => now);
    const callUuid = randomUUID();
    await shortClaims.addRingingLeg(leg(callUuid, '200'));
    expect((await claimOne(shortClaims, DOMAIN, { group: 'sales' }, 'dead-picker', 'oldest', 0, NONE_DEAD))?.callUuid).toBe(callUuid);
    expect(await claimOne(shortClaims, DOMAIN, { group: 'sales' }, 'picker-2', 'oldest', 0, NONE_DEAD)).toBeUndefined();
    now += 101;
    expect((await claimOne(shortClaims, DOMAIN, { group: 'sales' }, 'picker-2', 'oldest', 0, NONE_DEAD))?.callUuid).toBe(callUuid);
  });

  it('claims the oldest call with the oldest strategy and spreads random claims by the random number', async () => {
    let now = 5_000;
    const clocked = new CallStore(redis, keys, {}, () => now);
    const uuids = [randomUUID(), randomUUID(), randomUUID()];
    for (const callUuid of uuids) {
      await clocked.addRingingLeg(leg(callUuid, '200'));
      now += 10;
    }
    expect((await claimOne(clocked, DOMAIN, { group: 'sales' }, 'p1', 'oldest', 0.99, NONE_DEAD))?.callUuid).toBe(uuids[0]);
    expect((await claimOne(clocked, DOMAIN, { group: 'sales' }, 'p2', 'random', 0.99, NONE_DEAD))?.callUuid).toBe(uuids[2]);
    expect((await claimOne(clocked, DOMAIN, { group: 'sales' }, 'p3', 'random', 0, NONE_DEAD))?.callUuid).toBe(uuids[1]);
  });

  it('skips and cleans index entries whose call expired without cleanup', async () => {
    const callUuid = randomUUID();
    await calls.addRingingLeg(leg(callUuid, '200'));
    await redis.del(keys.call(DOMAIN, callUuid), keys.callLegs(DOMAIN, callUuid));
    expect(await claimOne(calls, DOMAIN, { group: 'sales' }, 'p', 'random', 0.3, NONE_DEAD)).toBeUndefined();
    expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([]);
  });

  it('does not offer calls of dead nodes, without taking them offline: the claimer\'s view may be a moment old', async () => {
    const local = leg(randomUUID(), '200');
    const remote = { ...leg(randomUUID(), '200'), node: 'node-b' };
    await calls.addRingingLeg(local);
    await calls.addRingingLeg(remote);
    for (const random of [0, 0.99]) {
      const claimed = await claimOne(calls, DOMAIN, { group: 'sales' }, `p-${random}`, 'random', random, ['node-b']);
      expect(claimed?.callUuid).toBe(local.callUuid);
      await calls.release(DOMAIN, local.callUuid, `p-${random}`);
    }
    await claimOne(calls, DOMAIN, { group: 'sales' }, 'p1', 'oldest', 0, ['node-b']);
    expect(await claimOne(calls, DOMAIN, { group: 'sales' }, 'p2', 'random', 0.5, ['node-b'])).toBeUndefined();
    expect((await calls.getCall(DOMAIN, remote.callUuid))?.state).toBe('ringing');
    // Once the node is back in the claimer's view, its call is offered at once.
    expect((await claimOne(calls, DOMAIN, { group: 'sales' }, 'p3', 'random', 0.5, NONE_DEAD))?.callUuid).toBe(remote.callUuid);
  });

  it('takes a dead node\'s call offline (the reaper) and offers it again with its next event', async () => {
    const remote = { ...leg(randomUUID(), '200'), node: 'node-b' };
    await calls.addRingingLeg(remote);
    expect(await calls.takeOffline(DOMAIN, remote.callUuid)).toBe(true);
    expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([]);
    // The node's resync (or any event of the call) re-offers it.
    expect((await calls.addRingingLeg(remote)).outcome).toBe('known');
    expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([remote.callUuid]);
  });

  it('takes a call offline on request and leaves claimed calls alone', async () => {
    const ringing = leg(randomUUID(), '200');
    await calls.addRingingLeg(ringing);
    expect(await calls.takeOffline(DOMAIN, ringing.callUuid)).toBe(true);
    expect(await calls.takeOffline(DOMAIN, ringing.callUuid)).toBe(false);
    expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([]);
  });

  it('never offers a picker a call it already tried, and finds the next one whatever the random choice', async () => {
    const uuids = [randomUUID(), randomUUID(), randomUUID()];
    for (const callUuid of uuids) await calls.addRingingLeg(leg(callUuid, '200'));
    for (const random of [0, 0.4, 0.99]) {
      const tried = [uuids[0]!, uuids[2]!];
      const claimed = await claimOne(calls, DOMAIN, { group: 'sales' }, `p-${random}`, 'random', random, NONE_DEAD, { tried });
      expect(claimed?.callUuid).toBe(uuids[1]);
      await calls.release(DOMAIN, uuids[1]!, `p-${random}`);
    }
    expect(await claimOne(calls, DOMAIN, { group: 'sales' }, 'p', 'oldest', 0, NONE_DEAD, { tried: uuids })).toBeUndefined();
    // Tried calls stay offered to everybody else.
    expect(await calls.pickableInGroup(DOMAIN, 'sales')).toHaveLength(3);
  });

  it('claims only while the preference revisions the decision used are current', async () => {
    const callUuid = randomUUID();
    await calls.addRingingLeg(leg(callUuid, '200'));
    const [revised] = await preferences.getRevised([{ extension: '200', domain: DOMAIN }]);
    expect(revised!.revision).toMatch(/^[A-Za-z0-9_-]{12}$/);
    const claim = (revisions: Array<[string, string]>, picker: string) => calls.claim(claimRequest(DOMAIN, { group: 'sales' }, picker, 'oldest', 0, NONE_DEAD, { preferenceRevisions: new Map(revisions) }));
    expect(await claim([['200', 'an-old-revision']], 'p1')).toBe('stale');
    // A user without preferences has the empty revision; one who got some since does not.
    expect(await claim([['200', revised!.revision], ['999', 'x']], 'p1')).toBe('stale');
    expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([callUuid]);
    expect(((await claim([['200', revised!.revision], ['999', '']], 'p1')) as { callUuid: string }).callUuid).toBe(callUuid);
  });

  it('gives every write of a user a new revision and announces it', async () => {
    const user = { extension: '200', domain: DOMAIN };
    const [before] = await preferences.getRevised([user]);
    await preferences.setMany([{ user, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'] } }]);
    const [after] = await preferences.getRevised([user]);
    expect(after!.revision).not.toBe(before!.revision);
    await preferences.setMany([{ user, preferences: EMPTY_PREFERENCES }]);
    expect((await preferences.getRevised([user]))[0]).toEqual({ preferences: EMPTY_PREFERENCES, revision: '' });
  });

  it('50 concurrent claimers on 20 ringing calls: each call claimed exactly once, no key left after the calls end', async () => {
    const ringing = Array.from({ length: 20 }, (_, i) => leg(randomUUID(), i % 2 === 0 ? '200' : '201'));
    await Promise.all(ringing.map((l) => calls.addRingingLeg(l)));
    // Separate connections, as separate controllers would have.
    const claimers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const connection = await connect();
        return { connection, store: new CallStore(connection, keys), picker: `picker-${i}` };
      }),
    );
    const results = await Promise.all(claimers.map(({ store, picker }) => claimOne(store, DOMAIN, { group: 'sales' }, picker, 'random', Math.random(), NONE_DEAD)));
    await Promise.all(claimers.map(({ connection }) => connection.quit()));
    const claimed = results.flatMap((r) => (r ? [r.callUuid] : []));
    expect(claimed).toHaveLength(20);
    expect(new Set(claimed).size).toBe(20);
    expect(new Set(claimed)).toEqual(new Set(ringing.map((l) => l.callUuid)));
    for (const l of ringing) await calls.removeLeg(DOMAIN, l.callUuid, l.legUuid, NODE);
    expect(await leftovers()).toEqual([]);
    expect(await calls.callsOfNode(NODE)).toEqual([]);
  });
});
