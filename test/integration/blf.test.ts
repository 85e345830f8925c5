import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimOne } from '../helpers/claims.ts';
import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { CallStore, type RingingLeg } from '../../src/store/call-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { testRedis } from '../helpers/redis-client.ts';

const DOMAIN = 'pbx.test';
const { redis } = testRedis();
let subscriber: Redis;

beforeAll(async () => {
  subscriber = redis.duplicate();
  subscriber.setMaxListeners(100); // one listener per property run
});

afterAll(async () => {
  subscriber.disconnect();
  await redis.quit();
});

interface LampMessage {
  domain: string;
  group: string;
  state: 'early' | 'terminated';
  version: number;
}

/** A fresh key prefix with users 200 (sales) and 201 (sales, support), and the lamp messages published for it. */
async function lampBed(): Promise<{ calls: CallStore; messages: LampMessage[]; settle(): Promise<void> }> {
  const keys = new Keys(`t${randomUUID().slice(0, 8)}`);
  await new PreferenceStore(redis, keys).setMany([
    { user: { extension: '200', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'] } },
    { user: { extension: '201', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales', 'support'] } },
  ]);
  const messages: LampMessage[] = [];
  const channel = `${keys.prefix}:presence`;
  subscriber.on('message', (from: string, message: string) => {
    if (from === channel) messages.push(JSON.parse(message) as LampMessage);
  });
  await subscriber.subscribe(channel);
  // A PING round trip on the publishing connection and one on the subscriber: every message published before is delivered.
  const settle = async (): Promise<void> => {
    await redis.ping();
    await new Promise((resolve) => setTimeout(resolve, 20));
  };
  return { calls: new CallStore(redis, keys), messages, settle };
}

function leg(extension: string, callUuid = randomUUID()): RingingLeg {
  return { legUuid: randomUUID(), callUuid, extension, domain: DOMAIN, node: 'n1', callerNumber: '1', callerName: 'c' };
}

describe('group BLF lamp changes published by the store scripts (real Redis pub/sub)', () => {
  it('lights a group on its first pickable call, goes dark after the last, and never flickers in between', async () => {
    const { calls, messages, settle } = await lampBed();
    const first = leg('200');
    const second = leg('201');
    await calls.addRingingLeg(first);
    await calls.addRingingLeg(second);
    await calls.addRingingLeg(second); // a repeated event re-checks, changes nothing
    const claimed = await claimOne(calls, DOMAIN, { group: 'support' }, 'p', 'oldest', 0, []);
    await calls.release(DOMAIN, claimed?.callUuid ?? '', 'p');
    await calls.removeLeg(DOMAIN, first.callUuid, first.legUuid, 'n1');
    await settle();
    expect(messages.map((m) => `${m.group}:${m.state}`)).toEqual(['sales:early', 'support:early', 'support:terminated', 'support:early']);
    await calls.endCall(DOMAIN, second.callUuid, 'n1');
    await settle();
    expect(messages.slice(4).map((m) => `${m.group}:${m.state}`).sort()).toEqual(['sales:terminated', 'support:terminated']);
    expect(messages.filter((m) => m.group === 'sales').map((m) => m.version)).toEqual([1, 2]);
  });

  it('stays right through 100 interleaved ring / answer / hangup events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('ring', 'answer', 'hangup'), fc.nat(4), fc.constantFrom('200', '201')), { minLength: 100, maxLength: 100 }), async (steps) => {
        const { calls, messages, settle } = await lampBed();
        const ringing = new Map<number, RingingLeg>();
        await Promise.all(
          steps.map(async ([action, slot, extension]) => {
            if (action === 'ring' && !ringing.has(slot)) {
              const ring = leg(extension);
              ringing.set(slot, ring);
              await calls.addRingingLeg(ring);
            } else if (action !== 'ring' && ringing.has(slot)) {
              const ended = ringing.get(slot) as RingingLeg;
              ringing.delete(slot);
              await calls.removeLeg(DOMAIN, ended.callUuid, ended.legUuid, 'n1');
            }
          }),
        );
        await settle();
        const sales = messages.filter((m) => m.group === 'sales');
        // Alternating states with increasing versions, ending in the state the store is in.
        sales.forEach((m, i) => {
          expect(m.version).toBe(i + 1);
          if (i > 0) expect(m.state).not.toBe(sales[i - 1]?.state);
        });
        const pickable = (await calls.pickableInGroup(DOMAIN, 'sales')).length > 0;
        expect(sales.at(-1)?.state ?? 'terminated').toBe(pickable ? 'early' : 'terminated');
        expect(pickable).toBe(ringing.size > 0);
      }),
      { numRuns: 10 },
    );
  });
});

describe('what rings in a group changed: announced on <prefix>:calls for live views', () => {
  it('names the domain and the touched groups on every index change, also when no lamp changes', async () => {
    const keys = new Keys(`t${randomUUID().slice(0, 8)}`);
    await new PreferenceStore(redis, keys).setMany([
      { user: { extension: '200', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'] } },
      { user: { extension: '201', domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales', 'support'] } },
    ]);
    const announced: Array<{ domain: string; groups: string[] }> = [];
    const channel = keys.callChanges();
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel) announced.push(JSON.parse(message) as { domain: string; groups: string[] });
    });
    await subscriber.subscribe(channel);
    const calls = new CallStore(redis, keys);
    const first = leg('200');
    await calls.addRingingLeg(first);
    // A second call in the lit group: no lamp change, but what rings there changed.
    const second = leg('201');
    await calls.addRingingLeg(second);
    await calls.endCall(DOMAIN, first.callUuid, 'n1');
    await redis.ping();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(announced).toEqual([
      { domain: DOMAIN, groups: ['sales'] },
      { domain: DOMAIN, groups: ['sales', 'support'] },
      { domain: DOMAIN, groups: ['sales'] },
    ]);
  });
});
