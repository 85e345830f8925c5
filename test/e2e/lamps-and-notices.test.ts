import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupSettingsStore } from '../../src/store/group-settings-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { testRedis } from '../helpers/redis-client.ts';
import { type ClusterBed, setClusterUsers, startClusterBed, untilRinging } from './cluster-harness.ts';
import { freshDomain } from './harness.ts';

let bed: ClusterBed;
const { redis } = testRedis();

beforeAll(async () => {
  bed = await startClusterBed({ nodeCount: 2, controllersPerNode: 1 });
}, 30_000);

afterAll(async () => {
  await bed?.close();
  await redis.quit();
});

function nodes() {
  const [a, b] = bed.nodes;
  if (!a || !b) throw new Error('two nodes expected');
  return [a, b] as const;
}

const lampOf = (node: ReturnType<typeof nodes>[number], entity: string) => node.sim.blfNotifies(entity).at(-1)?.state;

describe('group BLF lamps on every node', () => {
  it('a call ringing in "sales" on node A lights 88sales and 88*sales on node B; it goes dark when the call ends', async () => {
    const [a, b] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '200': { callGroups: ['sales'] } });
    b.sim.subscribeBlf({ subscriber: `400@${domain}`, entity: `88sales@${domain}` });
    b.sim.subscribeBlf({ subscriber: `401@${domain}`, entity: `88*sales@${domain}` });
    const call = await a.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, call.bLegs);
    await expect.poll(() => lampOf(b, `88sales@${domain}`)).toBe('early');
    await expect.poll(() => lampOf(b, `88*sales@${domain}`)).toBe('early');
    expect(lampOf(a, `88sales@${domain}`)).toBeUndefined(); // nobody subscribed there
    await a.sim.hangup(call.aLeg);
    await expect.poll(() => lampOf(b, `88sales@${domain}`)).toBe('terminated');
  });

  it('answers a PRESENCE_PROBE (a phone subscribing) with the current state', async () => {
    const [a, b] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '200': { callGroups: ['sales'] } });
    const call = await a.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, call.bLegs);
    // Subscribing after the call started: only the probe answer can light it.
    b.sim.subscribeBlf({ subscriber: `402@${domain}`, entity: `88sales@${domain}` });
    await expect.poll(() => lampOf(b, `88sales@${domain}`)).toBe('early');
    await a.sim.hangup(call.aLeg);
    await expect.poll(() => lampOf(b, `88sales@${domain}`)).toBe('terminated');
  });

  it('stays right through 100 interleaved ring / answer / hangup events', async () => {
    const [a, b] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '200': { callGroups: ['sales'] }, '201': { callGroups: ['sales'] } });
    b.sim.subscribeBlf({ subscriber: `403@${domain}`, entity: `88sales@${domain}` });
    const ringing: Array<{ aLeg: string; bLegs: string[] }> = [];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 100; step += 4) {
      const batch: Array<Promise<unknown>> = [];
      for (let i = 0; i < 4; i++) {
        const roll = next(3);
        if (roll === 0 || ringing.length === 0) batch.push(a.sim.placeCall({ domain, targets: [next(2) ? '200' : '201'] }).then((c) => ringing.push(c)));
        else {
          const [call] = ringing.splice(next(ringing.length), 1);
          if (call) batch.push(roll === 1 ? a.sim.answer(call.bLegs[0] as string) : a.sim.hangup(call.aLeg));
        }
      }
      await Promise.all(batch);
    }
    const expected = ringing.length > 0 ? 'early' : 'terminated';
    await expect.poll(() => lampOf(b, `88sales@${domain}`), { timeout: 5_000 }).toBe(expected);
    await expect.poll(async () => ((await bed.calls.pickableInGroup(domain, 'sales')).length > 0 ? 'early' : 'terminated')).toBe(expected);
    for (const call of ringing) await a.sim.hangup(call.aLeg);
    await expect.poll(() => lampOf(b, `88sales@${domain}`)).toBe('terminated');
  });
});

describe('pickup notices', () => {
  it('after the group delay, exactly the users who may pick the call up get a message naming caller and group', async () => {
    const [a, b] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '101': { pickupGroups: ['sales', 'support'] }, '102': { pickupGroups: ['support'] }, '200': { callGroups: ['sales'] } });
    await new GroupSettingsStore(redis, new Keys(bed.prefix)).set(domain, 'sales', { mode: 'message', afterSeconds: 1 });
    for (const user of ['100', '101', '102']) a.sim.registerPhone(`${user}@${domain}`);
    const before = a.sim.messages().length + b.sim.messages().length;
    const call = await a.sim.placeCall({ domain, targets: ['200'], callerNumber: '5551234', callerName: 'Customer' });
    await untilRinging(bed, call.bLegs);
    await expect.poll(() => a.sim.messages().length - before, { timeout: 5_000 }).toBe(2);
    const sent = a.sim.messages().slice(-2);
    expect(sent.map((m) => m.to.split('@')[0]).sort()).toEqual(['100', '101']);
    for (const message of sent) {
      expect(message.text).toMatch(/Customer/);
      expect(message.text).toMatch(/5551234/);
      expect(message.text).toMatch(/sales/);
    }
    await a.sim.hangup(call.aLeg);
  });

  it('sends nothing when the call is answered before the delay', async () => {
    const [a] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
    await new GroupSettingsStore(redis, new Keys(bed.prefix)).set(domain, 'sales', { mode: 'message', afterSeconds: 1 });
    a.sim.registerPhone(`100@${domain}`);
    const before = a.sim.messages().length;
    const call = await a.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, call.bLegs);
    await a.sim.answer(call.bLegs[0] as string);
    await new Promise((resolve) => setTimeout(resolve, 1_800));
    expect(a.sim.messages().length).toBe(before);
    await a.sim.hangup(call.aLeg);
  });
});
