import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedCommand } from '../simulator/index.ts';
import { dial, freshDomain, headerOf, outcomeOf, type PickupBed, REFUSED_SESSION, setUsers, startPickupBed, untilTracked } from './harness.ts';

/**
 * A context of the test's own where anything dialled reaches the controller's socket, without the product
 * dialplan's checks (its regex and the authentication condition): what a controller must survive on its own,
 * whatever a misconfigured dialplan lets through.
 */
const UNGUARDED = 'unguarded';

let bed: PickupBed;

beforeAll(async () => {
  bed = await startPickupBed({
    simulator: { dialplan: [{ name: 'straight-to-the-controller', context: UNGUARDED, expression: /^/, actions: [['socket', '$${fs_pickup_controllers}'], ['hangup', 'NORMAL_TEMPORARY_FAILURE']] }] },
  });
});

afterEach(() => bed.sim.beforeSocketCommand(undefined));

afterAll(async () => {
  await bed?.close();
});

async function salesUsers(domain: string): Promise<void> {
  await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] }, '201': { callGroups: ['sales'] } });
}

/**
 * Stages the race: the first time the controller's intercept reaches a picker's socket, `meanwhile` runs before
 * FreeSWITCH executes it (a phone answering in that instant). Resolves with the call the intercept names.
 */
function whenInterceptArrives(meanwhile: (callUuid: string) => Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    bed.sim.beforeSocketCommand(async (command: ReceivedCommand) => {
      if (command.name !== 'sendmsg' || headerOf(command, 'execute-app-name') !== 'intercept') return;
      bed.sim.beforeSocketCommand(undefined);
      const callUuid = headerOf(command, 'execute-app-arg') ?? '';
      await meanwhile(callUuid);
      resolve(callUuid);
    });
  });
}

describe('pickup races and failures, end to end', () => {
  it('call answered between claim and intercept: not stolen, the picker fails cleanly', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const raced = whenInterceptArrives(() => bed.sim.answer(call.bLegs[0] as string));
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await raced).toBe(call.aLeg);
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
    const raced = whenInterceptArrives((callUuid) => bed.sim.answer((callUuid === first.aLeg ? first : second).bLegs[0] as string));
    const picker = await dial(bed, domain, '100', '88sales');
    const [answered, other] = (await raced) === first.aLeg ? [first, second] : [second, first];
    // The refused intercept's channel comes back in the dialplan's next round (a second socket session): two intercepts.
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: other.aLeg, attempts: 2 });
    expect(bed.sim.commands.filter((c) => c.session === picker && headerOf(c, 'execute-app-name') === 'intercept')).toHaveLength(2);
    expect(bed.sim.commands.filter((c) => c.session === picker && c.name === 'connect')).toHaveLength(2);
    expect(bed.controller.logs.some((l) => l.pickerUuid === picker && l.msg === 'intercept refused (the call was answered or gone meanwhile); trying the next call' && l.callUuid === answered.aLeg)).toBe(true);
    expect(bed.sim.channel(answered.bLegs[0] as string)?.hangupCause).toBeUndefined();
    await bed.sim.hangup(picker);
    await bed.sim.hangup(answered.aLeg);
  });

  it('a caller that did not authenticate is refused by the dialplan (603) without reaching a controller', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const picker = await dial(bed, domain, '100', '88sales', { authenticated: false });
    expect((await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined)).hangupCause).toBe('CALL_REJECTED');
    expect(bed.sim.commands.filter((c) => c.session === picker)).toEqual([]);
  });

  it('a channel without an authenticated user that reaches the socket anyway is refused (603) without any lookup', async () => {
    const picker = bed.sim.sipCall({ fromUser: '100', fromHost: '192.0.2.7', destination: '88sales', context: UNGUARDED });
    expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'unauthenticated', cause: 'CALL_REJECTED' });
    expect((await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined)).hangupCause).toBe('CALL_REJECTED');
  });

  it('hostile dialled strings: the dialplan stops them; the controller alone refuses them too, and none reaches a command', async () => {
    const domain = freshDomain();
    await salesUsers(domain);
    const hostile = ['88sales\napi hupall MANAGER_REQUEST', '88sales%0aapi%20hupall', `88${'x'.repeat(5 * 1024)}`, '88${system(rm -rf /)}', '88sales\r\n\r\nsendmsg x'];
    for (const dialled of hostile) {
      // The product's regex: no extension matches, so the call ends before any controller is asked.
      const picker = await dial(bed, domain, '100', dialled);
      expect((await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined)).hangupCause).toBe('NO_ROUTE_DESTINATION');
      expect(bed.sim.commands.filter((c) => c.session === picker)).toEqual([]);
    }
    const before = bed.sim.commands.length;
    for (const dialled of hostile) {
      const picker = bed.sim.sipCall({ fromUser: '100', fromHost: domain, destination: dialled, context: UNGUARDED, authenticatedDomain: domain });
      expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'invalid-dialled', cause: 'UNALLOCATED_NUMBER' });
    }
    // Per request: connect, the media settings read, then the tone, the hangup and exit — nothing of what was dialled.
    const sent = bed.sim.commands.slice(before).filter((c) => c.session !== undefined);
    expect(sent.map((c) => headerOf(c, 'execute-app-name') ?? headerOf(c, 'call-command') ?? c.name)).toEqual(hostile.flatMap(() => REFUSED_SESSION));
    for (const { raw } of sent) expect(raw).not.toMatch(/hupall|system|xxxxxxxx|%0a|sendmsg x/);
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
    // Its caller's leg was guarded against FreeSWITCH's intercept race by the resync (it rang unseen).
    await expect.poll(() => bed.sim.channel(ringsWhileDown.aLeg)?.variables.continue_on_fail).toBe('PICKED_OFF');
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
    await bed.controller.waitForLog((l) => l.msg === 'lost the FreeSWITCH event socket; reconnecting');
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
