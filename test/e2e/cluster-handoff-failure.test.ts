import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDomain } from './harness.ts';
import { type ClusterBed, dialOn, pickupOutcome, setClusterUsers, startClusterBed, untilRinging } from './cluster-harness.ts';

let bed: ClusterBed;

beforeAll(async () => {
  // node2's controller announces a cluster SIP address where nothing answers: every hand-off to it fails.
  bed = await startClusterBed({ nodeCount: 2, controllersPerNode: 1, announcedSipAddress: { 1: '10.0.0.99:5090' } });
}, 30_000);

afterAll(async () => {
  await bed?.close();
});

describe('a failed cross-node hand-off', () => {
  it('releases the claim: the picker gets another call, or fails cleanly, and the call stays pickable', async () => {
    const [x, y] = bed.nodes;
    if (!x || !y) throw new Error('two nodes expected');
    const domain = freshDomain();
    await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] }, '201': { callGroups: ['sales'] } });
    const unreachable = await y.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, unreachable.bLegs);

    // Only the unreachable call rings: the picker fails cleanly (no silence, no parked picker) …
    const picker = await dialOn(x, domain, '100', '88sales');
    expect(await pickupOutcome(bed, picker)).toMatchObject({ failure: 'nothing-to-pick', cause: 'NO_ROUTE_DESTINATION' });
    expect((await x.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined)).hangupCause).toBe('NO_ROUTE_DESTINATION');
    // … and the call was given back, still offered.
    await expect.poll(() => bed.calls.pickableInGroup(domain, 'sales')).toEqual([unreachable.aLeg]);

    // With a local call ringing too, the picker gets the local one, whichever it claims first: a call another
    // node could not connect is not claimed twice by one request.
    const local = await x.sim.placeCall({ domain, targets: ['201'] });
    await untilRinging(bed, local.bLegs);
    const second = await dialOn(x, domain, '100', '88sales');
    expect(await pickupOutcome(bed, second)).toMatchObject({ msg: 'call picked up', callUuid: local.aLeg });
    await x.sim.hangup(second);
    await y.sim.hangup(unreachable.aLeg);
  });
});
