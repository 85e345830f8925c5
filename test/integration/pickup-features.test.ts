import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_PREFERENCES, type UserPreferences } from '../../src/domain/preferences.ts';
import { CallStore, type CandidateIndex, type RingingLeg } from '../../src/store/call-store.ts';
import { GroupSettingsStore } from '../../src/store/group-settings-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { claimOne } from '../helpers/claims.ts';
import { keysUnder, testRedis } from '../helpers/redis-client.ts';
import { topologies } from '../helpers/topologies.ts';

const DOMAIN = 'pbx.test';
const NODE = 'node-a';

/** Users of the tests: 200 sales, 201 support, 202 marketing, 203 sales but never pickable, 300 legacy in ACL 7. */
const USERS: Record<string, Partial<UserPreferences>> = {
  '200': { callGroups: ['sales'] },
  '201': { callGroups: ['support'] },
  '202': { callGroups: ['marketing'] },
  '203': { callGroups: ['sales'], neverPickable: true },
  '300': { aclGroups: ['7'] },
};

function leg(callUuid: string, extension: string, extra: Partial<RingingLeg> = {}): RingingLeg {
  return { legUuid: randomUUID(), callUuid, extension, domain: DOMAIN, node: NODE, callerNumber: '555', callerName: 'Caller', ...extra };
}

/** The claim script, the exclusion and the tombstones, against a single Redis and a 3-master Redis Cluster. */
describe.each(topologies())('the call scripts against $name', ({ connect, teardown }) => {
  let redis: Redis | Cluster;
  let keys: Keys;
  let calls: CallStore;
  let now = 1_000_000;

  beforeAll(async () => {
    redis = await connect();
  }, 30_000);

  afterAll(async () => {
    await redis.quit();
    await teardown();
  });

  beforeEach(async () => {
    keys = new Keys(`t${randomUUID().slice(0, 8)}`);
    calls = new CallStore(redis, keys, {}, () => now);
    await new PreferenceStore(redis, keys).setMany(Object.entries(USERS).map(([extension, prefs]) => ({ user: { extension, domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, ...prefs } })));
  });

  /** A call ringing `extension`, started at `at` (ms): ring start is the oldest strategy's order. */
  async function ring(extension: string, at: number, extra: Partial<RingingLeg> = {}): Promise<RingingLeg> {
    now = at;
    const ringing = leg(randomUUID(), extension, extra);
    await calls.addRingingLeg(ringing);
    return ringing;
  }

  const inOrder = (...groups: string[]): CandidateIndex => ({ groupsInOrder: groups });

  describe('claims from the picker’s own groups in order (88*): one script, one round trip', () => {
    it('takes the first group that has a pickable call: calls in the second and third groups only → the second', async () => {
      const inSupport = await ring('201', 2_000);
      const inMarketing = await ring('202', 1_000); // older, but in a later group
      const claimed = await claimOne(calls, DOMAIN, inOrder('sales', 'support', 'marketing'), 'p1', 'oldest', 0, []);
      expect(claimed?.callUuid).toBe(inSupport.callUuid);
      // The next picker: the second group is empty now, the third gives its call.
      expect((await claimOne(calls, DOMAIN, inOrder('sales', 'support', 'marketing'), 'p2', 'random', 0.99, []))?.callUuid).toBe(inMarketing.callUuid);
      expect(await claimOne(calls, DOMAIN, inOrder('sales', 'support', 'marketing'), 'p3', 'random', 0.5, [])).toBeUndefined();
    });

    it('follows the strategy within the group: the oldest, or the random choice among its calls', async () => {
      const older = await ring('200', 1_000);
      const newer = await ring('200', 2_000);
      await ring('201', 500);
      expect((await claimOne(calls, DOMAIN, inOrder('sales', 'support'), 'p1', 'random', 0.99, []))?.callUuid).toBe(newer.callUuid);
      expect((await claimOne(calls, DOMAIN, inOrder('sales', 'support'), 'p2', 'oldest', 0.99, []))?.callUuid).toBe(older.callUuid);
    });

    it('steps over calls already tried and calls of dead nodes, into the next group', async () => {
      const tried = await ring('200', 1_000);
      const onDeadNode = await ring('201', 1_000, { node: 'node-dead' });
      const next = await ring('202', 1_000);
      const claimed = await claimOne(calls, DOMAIN, inOrder('sales', 'support', 'marketing'), 'p1', 'oldest', 0, ['node-dead'], { tried: [tried.callUuid] });
      expect(claimed?.callUuid).toBe(next.callUuid);
      // Neither was taken out of its index.
      expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([tried.callUuid]);
      expect(await calls.pickableInGroup(DOMAIN, 'support')).toEqual([onDeadNode.callUuid]);
    });

    it('claims nothing when a preference revision changed, whichever group has calls', async () => {
      await ring('201', 1_000);
      const stale = await calls.claim({
        domain: DOMAIN,
        index: inOrder('sales', 'support'),
        pickerUuid: 'p1',
        strategy: 'oldest',
        random: 0,
        deadNodes: [],
        tried: [],
        preferenceRevisions: new Map([['100', 'an-old-revision']]),
      });
      expect(stale).toBe('stale');
      expect(await calls.pickableInGroup(DOMAIN, 'support')).toHaveLength(1);
    });

    it('a call in two of the groups is claimed once, from the first', async () => {
      await new PreferenceStore(redis, keys).setMany([{ user: { extension: '204', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['marketing', 'support'] } }]);
      const both = await ring('204', 1_000);
      const claimed = await claimOne(calls, DOMAIN, inOrder('support', 'marketing'), 'p1', 'oldest', 0, []);
      expect(claimed).toMatchObject({ callUuid: both.callUuid, callGroups: ['marketing', 'support'] });
      expect(await calls.pickableInGroup(DOMAIN, 'marketing')).toEqual([]);
    });

    it('any interleaving of groups and claims: each call once, always from the first group in order that has one', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom('200', '201', '202'), { minLength: 1, maxLength: 8 }), fc.shuffledSubarray(['sales', 'support', 'marketing'], { minLength: 1 }), async (ringing, order) => {
          keys = new Keys(`t${randomUUID().slice(0, 8)}`);
          calls = new CallStore(redis, keys, {}, () => now);
          await new PreferenceStore(redis, keys).setMany(Object.entries(USERS).map(([extension, prefs]) => ({ user: { extension, domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, ...prefs } })));
          const groupOf: Record<string, string> = { '200': 'sales', '201': 'support', '202': 'marketing' };
          const left = new Map<string, string>();
          for (const extension of ringing) left.set((await ring(extension, now + 1)).callUuid, groupOf[extension]!);
          for (;;) {
            const claimed = await claimOne(calls, DOMAIN, inOrder(...order), randomUUID(), 'random', Math.random(), []);
            const firstWithCall = order.find((group) => [...left.values()].includes(group));
            if (!claimed) {
              expect(firstWithCall).toBeUndefined();
              break;
            }
            expect(left.get(claimed.callUuid)).toBe(firstWithCall);
            left.delete(claimed.callUuid);
          }
        }),
        { numRuns: 15 },
      );
    });
  });

  describe('never pickable: offered by no index, so refused by every form as "nothing to pick up"', () => {
    const forms: Array<[string, CandidateIndex]> = [
      ['group', { group: 'sales' }],
      ['own groups in order', { groupsInOrder: ['support', 'sales'] }],
      ['extension 200', { extension: '200' }],
      ['extension 203', { extension: '203' }],
      ['queue', { queue: 'helpdesk' }],
      ['legacy ACL group', { aclGroups: ['7'] }],
    ];

    it.each(forms)('a call the dialplan marked (fs_pickup_exclude on a leg), by %s', async (_form, index) => {
      const marked = leg(randomUUID(), '200', { queue: 'helpdesk', excluded: true });
      expect(await calls.addRingingLeg(marked)).toEqual({ outcome: 'added', callGroups: [] });
      await calls.addRingingLeg(leg(marked.callUuid, '300'));
      expect(await claimOne(calls, DOMAIN, index, 'p1', 'oldest', 0, [])).toBeUndefined();
      expect((await calls.getCall(DOMAIN, marked.callUuid))?.state).toBe('ringing');
    });

    it.each(forms)('a call ringing a never-pickable user, by %s', async (_form, index) => {
      const call = randomUUID();
      await calls.addRingingLeg(leg(call, '203', { queue: 'helpdesk' }));
      await calls.addRingingLeg(leg(call, '200'));
      expect(await claimOne(calls, DOMAIN, index, 'p1', 'oldest', 0, [])).toBeUndefined();
    });

    it('a mark on a later leg, or a later event of a leg, takes the call out of every index at once, for good', async () => {
      const first = leg(randomUUID(), '200');
      await calls.addRingingLeg(first);
      expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([first.callUuid]);
      await calls.addRingingLeg({ ...first, excluded: true });
      expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([]);
      // The marked leg stops; the call stays never pickable.
      const second = leg(first.callUuid, '201');
      await calls.addRingingLeg(second);
      await calls.removeLeg(DOMAIN, first.callUuid, first.legUuid, NODE);
      expect(await calls.pickableInGroup(DOMAIN, 'support')).toEqual([]);
    });

    it('a never-pickable user keeps the call out only while their phone rings it', async () => {
      const call = randomUUID();
      const boss = leg(call, '203');
      await calls.addRingingLeg(boss);
      await calls.addRingingLeg(leg(call, '200'));
      expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([]);
      await calls.removeLeg(DOMAIN, call, boss.legUuid, NODE);
      expect(await calls.pickableInGroup(DOMAIN, 'sales')).toEqual([call]);
    });
  });

  describe('a call whose legs all stopped can ring again: transfers, the next bridge of the dialplan', () => {
    it('offers it again when a new leg rings for the same caller, but never after the caller hung up', async () => {
      const first = await ring('200', 1_000);
      expect(await calls.removeLeg(DOMAIN, first.callUuid, first.legUuid, NODE)).toBe('call-ended');
      // The caller was transferred to 201: a new leg rings for the same caller's leg.
      const transferred = leg(first.callUuid, '201');
      expect((await calls.addRingingLeg(transferred)).outcome).toBe('added');
      expect(await calls.pickableInGroup(DOMAIN, 'support')).toEqual([first.callUuid]);
      // Picked up (the store forgets it), then transferred again: pickable again.
      await calls.endCall(DOMAIN, first.callUuid, NODE);
      expect((await calls.addRingingLeg(leg(first.callUuid, '202'))).outcome).toBe('added');
      // The caller hangs up: no late event brings it back.
      await calls.callerHungUp(DOMAIN, first.callUuid, NODE);
      expect((await calls.addRingingLeg(leg(first.callUuid, '200'))).outcome).toBe('ended');
      // A stopped leg's late event never brings that leg back either.
      expect((await calls.addRingingLeg(transferred)).outcome).toBe('ended');
    });
  });
});

describe('lamps published by the scripts (real Redis pub/sub)', () => {
  const { redis } = testRedis();
  let subscriber: Redis;

  beforeAll(() => {
    subscriber = redis.duplicate();
  });

  afterAll(async () => {
    subscriber.disconnect();
    await redis.quit();
  });

  /** A fresh prefix with the users, and every message of a channel of it. */
  async function bed(channelOf: (keys: Keys) => string) {
    const keys = new Keys(`t${randomUUID().slice(0, 8)}`);
    await new PreferenceStore(redis, keys).setMany(Object.entries(USERS).map(([extension, prefs]) => ({ user: { extension, domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, ...prefs } })));
    const messages: Array<Record<string, unknown>> = [];
    const channel = channelOf(keys);
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel) messages.push(JSON.parse(message) as Record<string, unknown>);
    });
    await subscriber.subscribe(channel);
    const settle = async (): Promise<void> => {
      await redis.ping();
      await new Promise((resolve) => setTimeout(resolve, 20));
    };
    return { keys, calls: new CallStore(redis, keys), messages, settle };
  }

  it('an extension lamp names the nodes where pickable calls ring it, published only when they change', async () => {
    const { keys, calls, messages, settle } = await bed((k) => k.extensionLampChannel());
    const onA = leg(randomUUID(), '200', { node: 'node-a' });
    await calls.addRingingLeg(onA);
    await calls.addRingingLeg(onA); // a repeated event: re-index, no change
    const alsoOnA = leg(randomUUID(), '200', { node: 'node-a' });
    await calls.addRingingLeg(alsoOnA); // same node set: no change
    const onB = leg(randomUUID(), '200', { node: 'node-b' });
    await calls.addRingingLeg(onB);
    await calls.removeLeg(DOMAIN, onA.callUuid, onA.legUuid, 'node-a');
    await calls.removeLeg(DOMAIN, alsoOnA.callUuid, alsoOnA.legUuid, 'node-a');
    const claimed = await claimOne(calls, DOMAIN, { extension: '200' }, 'p', 'oldest', 0, []);
    expect(claimed?.callUuid).toBe(onB.callUuid);
    await settle();
    expect(messages.map((m) => [m.extension, m.nodes, m.version])).toEqual([
      ['200', 'node-a', 1],
      ['200', 'node-a node-b', 2],
      ['200', 'node-b', 3],
      ['200', '', 4],
    ]);
    expect(await redis.hgetall(keys.extensionLamp(DOMAIN, '200'))).toEqual({ nodes: '', version: '4' });
  });

  it('a never-pickable call lights no lamp, of its group or of the extension', async () => {
    const { calls, messages, settle } = await bed((k) => k.presenceChannel());
    const extensionLamps = await bed((k) => k.extensionLampChannel());
    await calls.addRingingLeg(leg(randomUUID(), '200', { excluded: true }));
    await calls.addRingingLeg(leg(randomUUID(), '203'));
    await extensionLamps.calls.addRingingLeg(leg(randomUUID(), '203'));
    await settle();
    expect(messages).toEqual([]);
    expect(extensionLamps.messages).toEqual([]);
  });

  it('a group whose notices are off keeps its lamp dark; set back to the lamp, it lights at once', async () => {
    const { keys, calls, messages, settle } = await bed((k) => k.presenceChannel());
    const settings = new GroupSettingsStore(redis, keys);
    await settings.set(DOMAIN, 'sales', { mode: 'off' });
    await calls.addRingingLeg(leg(randomUUID(), '200'));
    await settle();
    expect(messages).toEqual([]);
    await settings.set(DOMAIN, 'sales', { mode: 'lamp' });
    await settings.set(DOMAIN, 'sales', { mode: 'message', afterSeconds: 20 }); // still lit: no change
    await settings.set(DOMAIN, 'sales', { mode: 'off' });
    await settle();
    expect(messages.map((m) => `${m.group}:${m.state}`)).toEqual(['sales:early', 'sales:terminated']);
    expect(await settings.get(DOMAIN, 'sales')).toEqual({ mode: 'off' });
    expect((await keysUnder(redis, keys.prefix)).filter((key) => key.includes('groupcfg'))).toHaveLength(1);
  });
});
