import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupSettingsStore } from '../../src/store/group-settings-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { testRedis } from '../helpers/redis-client.ts';
import { type ClusterBed, type ClusterNode, CLUSTER_IPS, dialOn, pickupOutcome, setClusterUsers, startClusterBed, untilRinging } from './cluster-harness.ts';
import { freshDomain } from './harness.ts';

/** The domain of the simultaneous-ring tests: user 200's directory dial-string on node X names node Y. */
const RELAY_DOMAIN = 'relay.test';

let bed: ClusterBed;
const { redis } = testRedis();

beforeAll(async () => {
  bed = await startClusterBed({
    nodeCount: 2,
    controllersPerNode: 1,
    simulator: {
      // FreeSWITCH's own lamp of a ringing leg (its presence_id): what the controllers must not fight.
      channelPresence: true,
      // On both nodes user 300 rings a phone there; on X (the first node) user 200 rings a phone there and, at
      // once, the phone it registered on Y, through Y's cluster profile (fs_pickup_cluster.xml: ring-<ext>).
      directory: [{ user: '200', domain: RELAY_DOMAIN, dialString: `sofia/internal/sip:200@127.0.0.1:6072,sofia/cluster/ring-200@${CLUSTER_IPS[1]}:5090` }],
    },
  });
  // Y's vars.xml `domain`: the relay rings user/<ext>@$${domain}.
  nodes()[1].sim.setGlobal('domain', RELAY_DOMAIN);
}, 30_000);

afterAll(async () => {
  await bed?.close();
  await redis.quit();
});

function nodes(): [ClusterNode, ClusterNode] {
  const [x, y] = bed.nodes;
  if (!x || !y) throw new Error('two nodes expected');
  return [x, y];
}

const lampOf = (node: ClusterNode, entity: string) => node.sim.blfNotifies(entity).at(-1)?.state;

/** The PRESENCE_IN a node's controllers sent it for an entity (sendevent through its event socket). */
const sentFor = (node: ClusterNode, entity: string) => node.sim.commands.filter((c) => c.name === 'sendevent' && c.headers.from === entity);

describe('extension lamps across nodes (a BLF key on a user)', () => {
  it('a phone on X sees 200 ringing on Y (early), dark when it stops; Y shows its own lamp, untouched by the controllers', async () => {
    const [x, y] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] }, '201': { callGroups: ['sales'] } });
    const entity = `200@${domain}`;
    x.sim.subscribeBlf({ subscriber: `100@${domain}`, entity });
    y.sim.subscribeBlf({ subscriber: `101@${domain}`, entity });
    // Rings 200 and 201 on Y: 201's leg re-indexes the call, which must not make 200's lamp flicker.
    const call = await y.sim.placeCall({ domain, targets: ['200', '201'] });
    await untilRinging(bed, call.bLegs);
    await expect.poll(() => lampOf(x, entity)).toBe('early');
    expect(lampOf(y, entity)).toBe('early'); // FreeSWITCH's own: the ringing leg's dialog
    expect(y.sim.blfNotifies(entity).at(-1)?.dialogId).toBe(call.bLegs[0]);
    await y.sim.hangup(call.aLeg);
    await expect.poll(() => lampOf(x, entity)).toBe('terminated');
    expect(lampOf(y, entity)).toBe('terminated');
    expect(x.sim.blfNotifies(entity).map((n) => n.state)).toEqual([undefined, 'early', 'terminated']);
    expect(sentFor(y, entity)).toEqual([]);
  });

  it('pressing the key (the directed pickup code 88 before the extension) picks the call up across nodes', async () => {
    const [x, y] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
    const entity = `200@${domain}`;
    const call = await y.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, call.bLegs);
    // Subscribing after the call started: the probe's answer lights it.
    x.sim.subscribeBlf({ subscriber: `100@${domain}`, entity });
    await expect.poll(() => lampOf(x, entity)).toBe('early');
    const picker = await dialOn(x, domain, '100', '88200');
    expect(await pickupOutcome(bed, picker)).toMatchObject({ msg: 'call picked up on the call’s node', callUuid: call.aLeg });
    await expect.poll(() => lampOf(x, entity)).toBe('terminated');
    await x.sim.hangup(picker);
  });

  it('lights again after a call of X’s own ends while the one on Y still rings (FreeSWITCH’s own "terminated" came last)', async () => {
    const [x, y] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '200': { callGroups: ['sales'] } });
    const entity = `200@${domain}`;
    x.sim.subscribeBlf({ subscriber: `100@${domain}`, entity });
    const remote = await y.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, remote.bLegs);
    await expect.poll(() => lampOf(x, entity)).toBe('early');
    // A never-pickable call rings 200 on X itself: FreeSWITCH lights the key with it, and darkens it when it ends.
    const local = await x.sim.placeCall({ domain, targets: ['200'], dialVariables: { fs_pickup_exclude: 'true' } });
    await untilRinging(bed, local.bLegs);
    expect(lampOf(x, entity)).toBe('early');
    const before = x.sim.blfNotifies(entity).length;
    await x.sim.hangup(local.aLeg);
    await expect.poll(() => x.sim.blfNotifies(entity).length).toBeGreaterThan(before + 1);
    expect(x.sim.blfNotifies(entity).slice(before).map((n) => n.state)).toEqual(['terminated', 'early']);
    await y.sim.hangup(remote.aLeg);
    await expect.poll(() => lampOf(x, entity)).toBe('terminated');
  });

  it('a never-pickable call lights no lamp on the other nodes', async () => {
    const [x, y] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '200': { callGroups: ['sales'], neverPickable: true } });
    const entity = `200@${domain}`;
    x.sim.subscribeBlf({ subscriber: `100@${domain}`, entity });
    const call = await y.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, call.bLegs);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(x.sim.blfNotifies(entity).map((n) => n.state)).toEqual([undefined]);
    await y.sim.hangup(call.aLeg);
  });
});

describe('group notices, per group: off / lamp / message', () => {
  const settings = () => new GroupSettingsStore(redis, new Keys(bed.prefix));

  it('off: the group lamp stays dark and no message goes out; lamp (the default): lit, no message', async () => {
    const [x, y] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales', 'support'] }, '200': { callGroups: ['sales'] }, '201': { callGroups: ['support'] } });
    await settings().set(domain, 'sales', { mode: 'off' });
    x.sim.registerPhone(`100@${domain}`);
    x.sim.subscribeBlf({ subscriber: `100@${domain}`, entity: `88sales@${domain}` });
    x.sim.subscribeBlf({ subscriber: `100@${domain}`, entity: `88support@${domain}` });
    const before = x.sim.messages().length + y.sim.messages().length;
    const sales = await y.sim.placeCall({ domain, targets: ['200'] });
    const support = await y.sim.placeCall({ domain, targets: ['201'] });
    await untilRinging(bed, [...sales.bLegs, ...support.bLegs]);
    await expect.poll(() => lampOf(x, `88support@${domain}`)).toBe('early');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(x.sim.blfNotifies(`88sales@${domain}`).map((n) => n.state)).not.toContain('early');
    // Turned back to the lamp while the call rings: it lights at once.
    await settings().set(domain, 'sales', { mode: 'lamp' });
    await expect.poll(() => lampOf(x, `88sales@${domain}`)).toBe('early');
    expect(x.sim.messages().length + y.sim.messages().length).toBe(before);
    await y.sim.hangup(sales.aLeg);
    await y.sim.hangup(support.aLeg);
  });

  it('message: users who opted out of notices get none; the others do', async () => {
    const [a] = nodes();
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '101': { pickupGroups: ['sales'], pickupNotices: false }, '200': { callGroups: ['sales'] } });
    await settings().set(domain, 'sales', { mode: 'message', afterSeconds: 1 });
    for (const user of ['100', '101']) a.sim.registerPhone(`${user}@${domain}`);
    const before = a.sim.messages().length;
    const call = await a.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, call.bLegs);
    await expect.poll(() => a.sim.messages().length - before, { timeout: 5_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(a.sim.messages().slice(before).map((m) => m.to.split('@')[0])).toEqual(['100']);
    await a.sim.hangup(call.aLeg);
  });
});

describe('simultaneous ring across nodes (the cluster profile’s ring-<ext>)', () => {
  it('a call ringing 200 on X and on Y at once is one call: two pickers, one on each node, pick it exactly once', async () => {
    const [x, y] = nodes();
    await setClusterUsers(bed, RELAY_DOMAIN, { '100': { pickupGroups: ['sales'] }, '101': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
    const call = await x.sim.placeCall({ domain: RELAY_DOMAIN, targets: ['200'] });
    expect(call.bLegs).toHaveLength(2); // 200's phone on X, and the leg to Y
    const relayed = await waitForRelayedLeg(y);
    await untilRinging(bed, [...call.bLegs, relayed]);
    // One call in the store (X's); the relayed one on Y is offered nowhere.
    expect(await bed.calls.pickableInGroup(RELAY_DOMAIN, 'sales')).toEqual([call.aLeg]);
    const pickers = await Promise.all([dialOn(x, RELAY_DOMAIN, '100', '88sales'), dialOn(y, RELAY_DOMAIN, '101', '88sales')]);
    const outcomes = await Promise.all(pickers.map((picker) => pickupOutcome(bed, picker)));
    expect(outcomes.filter((o) => o.msg.startsWith('call picked up')).map((o) => o.callUuid)).toEqual([call.aLeg]);
    expect(outcomes.filter((o) => !o.msg.startsWith('call picked up')).map((o) => o.failure)).toEqual(['nothing-to-pick']);
    // Picking it on X cancelled the leg to Y, and so 200's phone there.
    expect((await y.sim.waitForChannel(relayed, (c) => c.hangupCause !== undefined)).hangupCause).toBe('ORIGINATOR_CANCEL');
    for (const [node, picker] of [[x, pickers[0]], [y, pickers[1]]] as const) {
      if (node.sim.channel(picker as string)?.hangupCause === undefined) await node.sim.hangup(picker as string);
    }
  });
});

/** The leg Y rings 200's phone with for X's call (its relay bridge's user/ leg). */
async function waitForRelayedLeg(y: ClusterNode): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const leg = y.sim.liveChannels().find((c) => c.direction === 'outbound' && c.variables.dialed_user === '200' && c.variables.dialed_domain === RELAY_DOMAIN);
    if (leg) return leg.uuid;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('Y never rang 200 for X’s call');
}
