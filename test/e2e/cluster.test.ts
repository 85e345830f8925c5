import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDomain, headerOf } from './harness.ts';
import { type ClusterBed, dialOn, pickupOutcome, setClusterUsers, startClusterBed, untilRinging } from './cluster-harness.ts';

let bed: ClusterBed;

beforeAll(async () => {
  bed = await startClusterBed({ nodeCount: 2, controllersPerNode: 1 });
}, 30_000);

afterAll(async () => {
  await bed?.close();
});

function nodes(): [NonNullable<ClusterBed['nodes'][0]>, NonNullable<ClusterBed['nodes'][1]>] {
  const [x, y] = bed.nodes;
  if (!x || !y) throw new Error('two nodes expected');
  return [x, y];
}

/** The token the picker's controller told the picker's node to dial (fs_pickup_bridge, set over its socket). */
function tokenSentFor(pickerUuid: string): string {
  const [x] = nodes();
  const set = x.sim.commands.find((c) => c.session === pickerUuid && / fs_pickup_bridge=/.test(headerOf(c, 'execute-app-arg') ?? ''));
  const token = /fs_pickup_bridge=\S*pickup-([0-9a-f]{32})@/.exec(headerOf(set ?? ({ headers: {} } as never), 'execute-app-arg') ?? '')?.[1];
  if (!token) throw new Error('no hand-off was set on the picker');
  return token;
}

/** A "sales" call ringing on node Y, picked up by user 100 on node X. */
async function pickAcrossNodes() {
  const [x, y] = nodes();
  const domain = freshDomain();
  await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
  const call = await y.sim.placeCall({ domain, targets: ['200'] });
  await untilRinging(bed, call.bLegs);
  const picker = await dialOn(x, domain, '100', '88sales');
  expect(await pickupOutcome(bed, picker)).toMatchObject({ msg: 'call picked up on the call’s node', callUuid: call.aLeg });
  return { x, y, call, picker };
}

describe('pickup across nodes (two simulated nodes, one controller each, real Redis)', () => {
  it('a picker on node X gets the call ringing on node Y: X’s controller puts a token into Y’s hash, Y’s dialplan intercepts', async () => {
    const { x, y, call, picker } = await pickAcrossNodes();
    const token = tokenSentFor(picker);
    // On Y: the only command of any controller was X's `api hash insert` (through Y's event socket)…
    const onY = y.sim.commands.filter((c) => c.name === 'api' || c.name === 'sendmsg' || c.session !== undefined);
    expect(onY.filter((c) => c.name === 'sendmsg' || c.session !== undefined)).toEqual([]);
    expect(onY.map((c) => c.line)).toContain(`api hash insert/fs_pickup_token/pickup-${token}/${call.aLeg}`);
    // …and its dialplan intercepted the caller's leg on the token leg at once, deleting the token.
    expect((await y.sim.waitForChannel(call.bLegs[0] as string, (c) => c.hangupCause !== undefined)).hangupCause).toBe('PICKED_OFF');
    const tokenLeg = y.sim.liveChannels().find((c) => c.name.startsWith('sofia/cluster/') && c.direction === 'inbound');
    expect(tokenLeg?.bridgedTo).toBe(call.aLeg);
    expect((await x.sim.waitForChannel(picker, (c) => c.answerState === 'answered')).answerState).toBe('answered');
    await x.sim.hangup(picker);
  });

  it('the token route refuses a replayed token and a source outside the cluster ACL', async () => {
    const { x, y, picker } = await pickAcrossNodes();
    const token = tokenSentFor(picker);

    // Replayed from a cluster address: the token was deleted on use, so Y's dialplan finds nothing and refuses it.
    const replay = y.sim.sipCall({ profile: 'cluster', fromHost: x.sipAddress.split(':')[0] as string, destination: `pickup-${token}` });
    const refused = await y.sim.waitForChannel(replay, (c) => c.hangupCause !== undefined);
    expect(refused.hangupCause).toBe('CALL_REJECTED');
    expect(refused.bridgedTo).toBeUndefined();

    // From outside the cluster: FreeSWITCH's ACL refuses it before any dialplan or controller sees it.
    const outsider = y.sim.sipCall({ profile: 'cluster', fromHost: '192.0.2.66', destination: `pickup-${token}` });
    const rejected = await y.sim.waitForChannel(outsider, (c) => c.hangupCause !== undefined, 1_000).catch(() => undefined);
    expect(rejected === undefined || !rejected.parked).toBe(true);
    expect(bed.controllers().some((c) => c.logs.some((l) => l.tokenLegUuid === outsider))).toBe(false);
    await x.sim.hangup(picker);
  });

  it('a forged token gets a clean failure and the picker is not left in silence', async () => {
    const [x, y] = nodes();
    const forged = y.sim.sipCall({ profile: 'cluster', fromHost: x.sipAddress.split(':')[0] as string, destination: `pickup-${'ab'.repeat(16)}` });
    expect((await y.sim.waitForChannel(forged, (c) => c.hangupCause !== undefined)).hangupCause).toBe('CALL_REJECTED');
  });

  it('tenants: the same group and extension names in two domains never cross', async () => {
    const [x, y] = nodes();
    const [red, blue] = [freshDomain(), freshDomain()];
    for (const domain of [red, blue]) await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
    const redCall = await y.sim.placeCall({ domain: red, targets: ['200'] });
    await untilRinging(bed, redCall.bLegs);
    // Blue's picker sees nothing of red's call, on either node.
    for (const node of [x, y]) {
      const bluePicker = await dialOn(node, blue, '100', '88sales');
      expect(await pickupOutcome(bed, bluePicker)).toMatchObject({ failure: 'nothing-to-pick' });
    }
    expect(await bed.calls.pickableInGroup(blue, 'sales')).toEqual([]);
    expect(await bed.calls.pickableInGroup(red, 'sales')).toEqual([redCall.aLeg]);
    const blueCall = await x.sim.placeCall({ domain: blue, targets: ['200'] });
    await untilRinging(bed, blueCall.bLegs);
    const redPicker = await dialOn(x, red, '100', '88sales');
    expect(await pickupOutcome(bed, redPicker)).toMatchObject({ msg: 'call picked up on the call’s node', callUuid: redCall.aLeg });
    const bluePicker = await dialOn(y, blue, '100', '88sales');
    expect(await pickupOutcome(bed, bluePicker)).toMatchObject({ msg: 'call picked up on the call’s node', callUuid: blueCall.aLeg });
    await x.sim.hangup(redPicker);
    await y.sim.hangup(bluePicker);
  });
});
