import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDomain, REFUSED_SESSION } from './harness.ts';
import { type ClusterBed, dialOn, pickupOutcome, setClusterUsers, startClusterBed, untilRinging } from './cluster-harness.ts';

let bed: ClusterBed;

beforeAll(async () => {
  bed = await startClusterBed({ nodeCount: 2, controllersPerNode: 2 });
}, 60_000);

afterAll(async () => {
  await bed?.close();
});

function nodes() {
  const [x, y] = bed.nodes;
  if (!x || !y) throw new Error('two nodes expected');
  return [x, y] as const;
}

async function salesDomain(): Promise<string> {
  const domain = freshDomain();
  await setClusterUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] }, '201': { callGroups: ['sales'] } });
  return domain;
}

describe('failures in a two-node cluster with two controllers per node', () => {
  it('a refused request is answered by one controller only (one tone, one hangup)', async () => {
    const [x] = nodes();
    const domain = await salesDomain();
    // An unknown user, and a group spelled with another case (names are case-sensitive): both not permitted.
    for (const [user, dialled] of [['999', '88sales'], ['100', '88Sales']] as const) {
      const picker = await dialOn(x, domain, user, dialled);
      expect(await pickupOutcome(bed, picker)).toMatchObject({ failure: 'not-permitted' });
      await x.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined);
      // FreeSWITCH connected the request to one controller of the two: one session, one tone, one hangup.
      const sent = x.sim.commands.filter((c) => c.session === picker).map((c) => c.headers['execute-app-name'] ?? c.headers['call-command'] ?? c.name);
      expect(sent).toEqual(REFUSED_SESSION);
    }
  });

  it('one controller of a node is killed: the other keeps serving that node', async () => {
    const [x, y] = nodes();
    const domain = await salesDomain();
    const victim = x.controllers.shift();
    await victim?.stop('SIGKILL');
    const call = await x.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, call.bLegs);
    const local = await dialOn(x, domain, '100', '88sales');
    expect(await pickupOutcome(bed, local)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    const remote = await y.sim.placeCall({ domain, targets: ['201'] });
    await untilRinging(bed, remote.bLegs);
    const cross = await dialOn(x, domain, '100', '88sales');
    expect(await pickupOutcome(bed, cross)).toMatchObject({ msg: 'call picked up on the call’s node', callUuid: remote.aLeg });
    await bed.addController(x);
    await x.sim.hangup(local);
    await x.sim.hangup(cross);
  });

  it('a node whose event socket is lost stops being offered within 10 s, and is back after reconnect + resync', async () => {
    const [x, y] = nodes();
    const domain = await salesDomain();
    const call = await y.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, call.bLegs);
    y.sim.setAcceptingConnections(false);
    y.sim.dropConnections();
    const lostAt = Date.now();
    // The reaper (or a claim) takes the call of the lost node offline: it stops being offered.
    await expect.poll(async () => (await bed.calls.getCall(domain, call.aLeg))?.state, { timeout: 10_000, interval: 200 }).toBe('offline');
    expect(Date.now() - lostAt).toBeLessThan(10_000);
    const meanwhile = await dialOn(x, domain, '100', '88sales');
    expect(await pickupOutcome(bed, meanwhile)).toMatchObject({ failure: 'nothing-to-pick' });

    const resyncs = y.controllers.map((c) => c.logsWith('resynced ringing calls with the switch').length);
    y.sim.setAcceptingConnections(true);
    await Promise.all(y.controllers.map((c, i) => c.waitForLog(() => c.logsWith('resynced ringing calls with the switch').length > (resyncs[i] ?? 0), 15_000)));
    const picker = await dialOn(x, domain, '100', '88sales');
    expect(await pickupOutcome(bed, picker)).toMatchObject({ msg: 'call picked up on the call’s node', callUuid: call.aLeg });
    await x.sim.hangup(picker);
  });

  it('a node restarted with a new Core-UUID loses all its calls', async () => {
    const [x, y] = nodes();
    const domain = await salesDomain();
    const call = await y.sim.placeCall({ domain, targets: ['200'] });
    await untilRinging(bed, call.bLegs);
    const newCore = randomUUID();
    y.sim.restart({ coreUuid: newCore });
    await Promise.any(y.controllers.map((c) => c.waitForLog((l) => l.msg === 'FreeSWITCH restarted (new Core-UUID): dropped the calls it had', 15_000)));
    expect(await bed.calls.getCall(domain, call.aLeg)).toBeUndefined();
    const picker = await dialOn(x, domain, '100', '88sales');
    expect(await pickupOutcome(bed, picker)).toMatchObject({ failure: 'nothing-to-pick' });
  });
});
