import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChannelFact, channelFactOf } from '../../src/esl/channel-facts.ts';
import { decodeEvent, isEventFrame } from '../../src/esl/event.ts';
import { FrameParser } from '../../src/esl/frame-parser.ts';
import { CallStore } from '../../src/store/call-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { RingingTracker } from '../../src/tracker/ringing-tracker.ts';
import { captureBytes } from '../helpers/captures.ts';
import { keysUnder, testRedis } from '../helpers/redis-client.ts';

type LegFact = Extract<ChannelFact, { kind: 'leg-ringing' | 'leg-stopped' | 'call-ended' }>;

const { redis } = testRedis();
afterAll(() => redis.quit());

function legFacts(capture: string): LegFact[] {
  return new FrameParser()
    .push(captureBytes(capture))
    .filter(isEventFrame)
    .map(decodeEvent)
    .flatMap((event) => {
      const fact = channelFactOf(event);
      return fact && (fact.kind === 'leg-ringing' || fact.kind === 'leg-stopped' || fact.kind === 'call-ended') ? [fact] : [];
    });
}

/** A tracker on a fresh key prefix, with the capture's users in call group "sales". */
async function freshTracker(domain: string, extensions: readonly string[]) {
  const keys = new Keys(`t${randomUUID().slice(0, 8)}`);
  const calls = new CallStore(redis, keys);
  await new PreferenceStore(redis, keys).setMany(extensions.map((extension) => ({ user: { extension, domain }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'], pickupGroups: [] } })));
  return { calls, keys, tracker: new RingingTracker(calls, 'node-1', pino({ level: 'silent' })) };
}

async function ringingState(calls: CallStore, domain: string): Promise<string[]> {
  const uuids = await calls.pickableInGroup(domain, 'sales');
  const states = await Promise.all(uuids.map(async (uuid) => `${uuid}:${Object.keys((await calls.getCall(domain, uuid))?.legs ?? {}).sort().join('+')}`));
  return states.sort();
}

const SCENARIOS = [
  { capture: '11-dir-user-ring-then-intercept.event-plain.txt', domain: '127.0.0.1', users: ['200'] },
  { capture: '11c-dir-user-100-cancel.event-plain.txt', domain: '127.0.0.1', users: ['100'] },
  { capture: '14-park-pickup-sendmsg-intercept.node1.event-json.txt', domain: 'pbx.test', users: ['200'] },
];

describe('RingingTracker with real captured event streams and a real Redis', () => {
  for (const { capture, domain, users } of SCENARIOS) {
    it(`${capture}: the call rings, then leaves every index; duplicates change nothing`, async () => {
      const facts = legFacts(capture);
      const lastRing = facts.map((f) => f.kind).lastIndexOf('leg-ringing');
      const { calls, keys, tracker } = await freshTracker(domain, users);
      for (const fact of facts.slice(0, lastRing + 1)) await tracker.apply(fact);
      const ringing = await ringingState(calls, domain);
      expect(ringing).toHaveLength(1);
      for (const fact of facts.slice(0, lastRing + 1)) await tracker.apply(fact); // every event again
      expect(await ringingState(calls, domain)).toEqual(ringing);
      for (const fact of facts.slice(lastRing + 1)) await tracker.apply(fact);
      expect(await ringingState(calls, domain)).toEqual([]);
      const left = (await keysUnder(redis, keys.prefix)).filter((key) => !key.includes(':user') && !key.endsWith(':domains') && !key.includes(':ended:') && !key.includes(':blf:') && !key.includes(':extlamp:'));
      expect(left).toEqual([]);
    });

    it(`${capture}: any delivery order of its events ends in the same state (Event-Sequence order is not delivery order)`, async () => {
      const facts = legFacts(capture);
      const lastRing = facts.map((f) => f.kind).lastIndexOf('leg-ringing');
      const ringingPart = facts.slice(0, lastRing + 1);
      const reference = await freshTracker(domain, users);
      for (const fact of ringingPart) await reference.tracker.apply(fact);
      const expectedRinging = await ringingState(reference.calls, domain);
      await fc.assert(
        fc.asyncProperty(fc.shuffledSubarray(ringingPart, { minLength: ringingPart.length }), fc.shuffledSubarray(facts, { minLength: facts.length }), async (ringOrder, fullOrder) => {
          const whileRinging = await freshTracker(domain, users);
          for (const fact of ringOrder) await whileRinging.tracker.apply(fact);
          expect(await ringingState(whileRinging.calls, domain)).toEqual(expectedRinging);
          const overall = await freshTracker(domain, users);
          for (const fact of fullOrder) await overall.tracker.apply(fact);
          expect(await ringingState(overall.calls, domain)).toEqual([]);
        }),
        { numRuns: 15 },
      );
    });
  }

  it('ignores a ringing leg whose user or domain could not be a directory user (e.g. built from a dialled string)', async () => {
    const { calls, tracker } = await freshTracker('pbx.test', ['200']);
    await tracker.apply({ kind: 'leg-ringing', legUuid: randomUUID(), callUuid: randomUUID(), extension: '200}x', domain: 'pbx.test', queue: undefined, callKind: 'user', callerNumber: '', callerName: '', excluded: false, sequence: 1 });
    await tracker.apply({ kind: 'leg-ringing', legUuid: randomUUID(), callUuid: randomUUID(), extension: '200', domain: 'pbx.{test}', queue: undefined, callKind: 'user', callerNumber: '', callerName: '', excluded: false, sequence: 2 });
    expect(await ringingState(calls, 'pbx.test')).toEqual([]);
  });
});
