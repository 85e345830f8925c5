import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, freshDomain, headerOf, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

let bed: PickupBed;

beforeAll(async () => {
  // A slow park tick gives the test time to answer the call between the controller's claim and the intercept.
  bed = await startPickupBed({ simulator: { parkTickMs: 150 } });
});

afterAll(async () => {
  await bed?.close();
});

async function salesUsers(domain: string): Promise<void> {
  await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] }, '201': { callGroups: ['sales'] } });
}

/** Resolves when the controller has sent `intercept` for the picker (it is still queued on the park tick). */
async function interceptSent(pickerUuid: string): Promise<string> {
  for (;;) {
    const command = bed.sim.commands.find((c) => c.line === `sendmsg ${pickerUuid}` && headerOf(c, 'execute-app-name') === 'intercept');
    if (command) return headerOf(command, 'execute-app-arg') ?? '';
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('pickup races and failures, end to end', () => {
  it('call answered between claim and intercept: not stolen, the picker fails cleanly', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await interceptSent(picker)).toBe(call.aLeg);
    await bed.sim.answer(call.bLegs[0] as string);
    expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'nothing-to-pick', cause: 'NO_ROUTE_DESTINATION' });
    const answeredLeg = bed.sim.channel(call.bLegs[0] as string);
    expect(answeredLeg?.hangupCause).toBeUndefined();
    expect(answeredLeg?.bridgedTo ?? bed.sim.channel(call.aLeg)?.bridgedTo).toBeDefined();
    expect(bed.sim.channel(picker)?.bridgedTo).toBeUndefined();
    await bed.sim.hangup(call.aLeg);
  });

  it('call answered between claim and intercept while another rings: the picker gets the other one', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const first = await bed.sim.placeCall({ domain, targets: ['200'] });
    const second = await bed.sim.placeCall({ domain, targets: ['201'] });
    await untilTracked(bed, [...first.bLegs, ...second.bLegs]);
    const picker = await dial(bed, domain, '100', '88sales');
    const target = await interceptSent(picker);
    const [answered, other] = target === first.aLeg ? [first, second] : [second, first];
    await bed.sim.answer(answered.bLegs[0] as string);
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: other.aLeg });
    expect(bed.sim.channel(answered.bLegs[0] as string)?.hangupCause).toBeUndefined();
    await bed.sim.hangup(picker);
    await bed.sim.hangup(answered.aLeg);
  });

  it('a caller that did not authenticate is refused without any lookup', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const picker = await dial(bed, domain, '100', '88sales', { authenticated: false });
    expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'unauthenticated', cause: 'CALL_REJECTED' });
  });

  it('hostile dialled strings reach no ESL command and the controller keeps serving', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const hostile = ['88sales\napi hupall MANAGER_REQUEST', '88sales%0aapi%20hupall', `88${'x'.repeat(5 * 1024)}`, '88${system(rm -rf /)}', '88sales\r\n\r\nsendmsg x'];
    const before = bed.sim.commands.length;
    for (const dialled of hostile) {
      const picker = await dial(bed, domain, '100', dialled);
      expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'invalid-dialled', cause: 'UNALLOCATED_NUMBER' });
    }
    const sent = bed.sim.commands.slice(before).map((c) => c.raw);
    expect(sent.length).toBe(hostile.length * 2);
    for (const raw of sent) {
      expect(raw).not.toMatch(/hupall|system|xxxxxxxx|%0a|sendmsg x/);
    }
    // Still serving.
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up' });
    await bed.sim.hangup(picker);
  });

  it('controller restarted while calls ring: calls rung meanwhile are pickable after resync, ended ones are gone', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const endsWhileDown = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, endsWhileDown.bLegs);
    await bed.controller.stop('SIGKILL');
    await bed.sim.hangup(endsWhileDown.aLeg);
    const ringsWhileDown = await bed.sim.placeCall({ domain, targets: ['201'] });
    expect(await bed.calls.getCall(domain, endsWhileDown.aLeg)).toBeDefined(); // stale until the resync
    await bed.restartController();
    expect(await bed.calls.getCall(domain, endsWhileDown.aLeg)).toBeUndefined();
    expect(await bed.calls.pickableInGroup(domain, 'sales')).toEqual([ringsWhileDown.aLeg]);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: ringsWhileDown.aLeg });
    await bed.sim.hangup(picker);
  });

  it('FreeSWITCH connection lost: the controller reconnects, resyncs and picks up a call placed meanwhile', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const resyncsBefore = bed.controller.logsWith('resynced ringing calls with the switch').length;
    bed.sim.setAcceptingConnections(false);
    bed.sim.dropConnections();
    await bed.controller.waitForLog((l) => l.msg === 'lost the FreeSWITCH connection');
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    bed.sim.setAcceptingConnections(true);
    await bed.controller.waitForLog(() => bed.controller.logsWith('resynced ringing calls with the switch').length > resyncsBefore, 15_000);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.sim.hangup(picker);
  });

  it('malformed ESL frames cost a reconnect, not the process', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const resyncsBefore = bed.controller.logsWith('resynced ringing calls with the switch').length;
    bed.sim.sendRawToClients('Content-Type: text/event-json\nContent-Length: 12\n\n{"Event-Name"');
    bed.sim.sendRawToClients('Content-Type: api/response\nContent-Length: banana\n\n');
    await bed.controller.waitForLog((l) => l.msg === 'unparseable data from FreeSWITCH; resetting the connection');
    await bed.controller.waitForLog(() => bed.controller.logsWith('resynced ringing calls with the switch').length > resyncsBefore, 15_000);
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up' });
    await bed.sim.hangup(picker);
  });
});
