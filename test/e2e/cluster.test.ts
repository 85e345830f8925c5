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

/** The token the picker's node sent in its bridge to the other node. */
function tokenSentFor(pickerUuid: string): string {
  const [x] = nodes();
  const bridge = x.sim.commands.find((c) => c.line === `sendmsg ${pickerUuid}` && headerOf(c, 'execute-app-name') === 'bridge');
  const token = /pickup-([0-9a-f]{32})@/.exec(headerOf(bridge ?? ({ headers: {} } as never), 'execute-app-arg') ?? '')?.[1];
  if (!token) throw new Error('no bridge with a token was sent');
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
  expect(await pickupOutcome(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
  return { x, y, call, picker };
}

describe('pickup across nodes (two simulated nodes, one controller each, real Redis)', () => {
  it('a picker on node X gets the call ringing on node Y; Y runs the intercept', async () => {
    const { x, y, call, picker } = await pickAcrossNodes();
    // On Y: a token leg arrived and the controller of Y ran intercept of the caller's leg on it.
    const intercept = y.sim.commands.find((c) => c.name === 'sendmsg' && headerOf(c, 'execute-app-name') === 'intercept');
    expect(headerOf(intercept ?? ({ headers: {} } as never), 'execute-app-arg')).toBe(call.aLeg);
    expect((await y.sim.waitForChannel(call.bLegs[0] as string, (c) => c.hangupCause !== undefined)).hangupCause).toBe('PICKED_OFF');
    expect((await x.sim.waitForChannel(picker, (c) => c.answerState === 'answered')).answerState).toBe('answered');
    await x.sim.hangup(picker);
  });

  it('the token route refuses a replayed token and a source outside the cluster ACL', async () => {
    const { x, y, picker } = await pickAcrossNodes();
    const token = tokenSentFor(picker);

    // Replayed from a cluster address: it reaches the dialplan and the controller refuses it.
    const replay = y.sim.sipCall({ profile: 'cluster', fromHost: x.sipAddress.split(':')[0] as string, destination: `pickup-${token}` });
    const refused = await y.sim.waitForChannel(replay, (c) => c.hangupCause !== undefined);
    expect(refused.hangupCause).toBe('CALL_REJECTED');
    await y.controllers[0]?.waitForLog((l) => l.msg === 'pickup token refused (forged, reused or expired)' && l.tokenLegUuid === replay);

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
    expect(await pickupOutcome(bed, redPicker)).toMatchObject({ msg: 'call picked up', callUuid: redCall.aLeg });
    const bluePicker = await dialOn(y, blue, '100', '88sales');
    expect(await pickupOutcome(bed, bluePicker)).toMatchObject({ msg: 'call picked up', callUuid: blueCall.aLeg });
    await x.sim.hangup(redPicker);
    await y.sim.hangup(bluePicker);
  });
});
