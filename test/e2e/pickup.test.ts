import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, freshDomain, outcomeOf, type PickupBed, sendmsgsTo, setUsers, startPickupBed, untilTracked } from './harness.ts';

let bed: PickupBed;

beforeAll(async () => {
  bed = await startPickupBed();
});

afterAll(async () => {
  await bed?.close();
});

/** The spec's users: 200 and 201 in call group "sales", 100 may pick up "sales", 300 may not. */
async function specUsers(domain: string): Promise<void> {
  await setUsers(bed, domain, {
    '100': { callGroups: ['support'], pickupGroups: ['sales'] },
    '200': { callGroups: ['sales'] },
    '201': { callGroups: ['sales'] },
    '202': { callGroups: ['support'] },
    '300': { callGroups: ['support'], pickupGroups: ['support'] },
  });
}

describe('group pickup on one node, end to end (simulator + Redis + controller process)', () => {
  it('the spec scenario: a call rings a "sales" member, user 100 dials 88sales and gets it', async () => {
    const domain = freshDomain();
    await specUsers(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200'], callerNumber: '5551234' });
    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '100', '88sales');
    const outcome = await outcomeOf(bed, picker);
    expect(outcome).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    const pickerChannel = await bed.sim.waitForChannel(picker, (c) => c.bridgedTo === call.aLeg);
    expect(pickerChannel.answerState).toBe('answered');
    const ringingLeg = await bed.sim.waitForChannel(call.bLegs[0] as string, (c) => c.hangupCause !== undefined);
    expect(ringingLeg.hangupCause).toBe('PICKED_OFF');
    await bed.controller.waitForLog((l) => l.pickerUuid === picker && l.msg === 'call picked up');
    expect(await bed.calls.pickableInGroup(domain, 'sales')).toEqual([]);
    expect(await bed.calls.getCall(domain, call.aLeg)).toBeUndefined();
    await bed.sim.hangup(picker);
  });

  it('a user without that pickup group is refused (403) and the call keeps ringing', async () => {
    const domain = freshDomain();
    await specUsers(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '300', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'pickup failed; picker hung up', failure: 'not-permitted', cause: 'OUTGOING_CALL_BARRED' });
    expect((await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined)).hangupCause).toBe('OUTGOING_CALL_BARRED');
    // The failure was audible: a tone with event-lock before the hangup.
    expect(sendmsgsTo(bed, picker)).toEqual(['playback', 'hangup']);
    expect(bed.sim.channel(call.bLegs[0] as string)?.hangupCause).toBeUndefined();
    expect(await bed.calls.pickableInGroup(domain, 'sales')).toEqual([call.aLeg]);
    await bed.sim.hangup(call.aLeg);
  });

  it('behaviour isolation: a legacy user (no groups) cannot use group pickup', async () => {
    const domain = freshDomain();
    await specUsers(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '400', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'not-permitted' });
    await bed.sim.hangup(call.aLeg);
  });

  it('accepts the BLF speed-dial form 88*<group>', async () => {
    const domain = freshDomain();
    await specUsers(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['201'] });
    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '100', '88*sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.sim.hangup(picker);
  });

  it('simultaneous ring to two members is picked up once: PICKED_OFF on the bonded leg, ORIGINATOR_CANCEL on the other', async () => {
    const domain = freshDomain();
    await specUsers(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200', '201'] });
    await untilTracked(bed, call.bLegs);
    const [first, second] = [await dial(bed, domain, '100', '88sales'), await dial(bed, domain, '100', '88sales')];
    const outcomes = await Promise.all([outcomeOf(bed, first), outcomeOf(bed, second)]);
    expect(outcomes.map((o) => o.msg).sort()).toEqual(['call picked up', 'pickup failed; picker hung up']);
    expect(outcomes.find((o) => o.msg !== 'call picked up')).toMatchObject({ failure: 'nothing-to-pick', cause: 'NO_ROUTE_DESTINATION' });
    const causes = await Promise.all(call.bLegs.map(async (leg) => (await bed.sim.waitForChannel(leg, (c) => c.hangupCause !== undefined)).hangupCause));
    expect(causes.sort()).toEqual(['ORIGINATOR_CANCEL', 'PICKED_OFF']);
    await bed.sim.hangup(call.aLeg);
  });

  it('caller hangs up before the pickup: nothing to pick, the picker hears a tone and gets 404', async () => {
    const domain = freshDomain();
    await specUsers(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    await bed.sim.hangup(call.aLeg);
    await bed.controller.waitForLog((l) => l.callUuid === call.aLeg && (l.msg === 'call stopped ringing' || l.msg === 'caller hung up; call no longer pickable'));
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'nothing-to-pick', cause: 'NO_ROUTE_DESTINATION' });
    // Only the tombstone (with a TTL) remembers the call.
    expect((await bed.callKeys()).filter((key) => key.includes(call.aLeg))).toEqual([expect.stringContaining(`:ended:${call.aLeg}`)]);
  });

  it('picks among several ringing calls at random: each gets picked over repeated runs', async () => {
    const domain = freshDomain();
    await specUsers(domain);
    const pickedPosition = new Map<number, number>();
    for (let run = 0; run < 24; run++) {
      const calls = [];
      for (let i = 0; i < 3; i++) calls.push(await bed.sim.placeCall({ domain, targets: ['200'] }));
      await untilTracked(bed, calls.flatMap((c) => c.bLegs));
      const picker = await dial(bed, domain, '100', '88sales');
      const outcome = await outcomeOf(bed, picker);
      const position = calls.findIndex((c) => c.aLeg === outcome.callUuid);
      expect(position).toBeGreaterThanOrEqual(0);
      pickedPosition.set(position, (pickedPosition.get(position) ?? 0) + 1);
      await bed.sim.hangup(picker);
      for (const c of calls) if (c.aLeg !== outcome.callUuid) await bed.sim.hangup(c.aLeg);
    }
    // (2/3)^24 per position: about one failing run in 6,000 would be chance, not a bug.
    expect([...pickedPosition.keys()].sort()).toEqual([0, 1, 2]);
  });
});
