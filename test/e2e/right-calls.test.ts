import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

/** One domain: the directory below (a follow-me dial-string) is the simulator's configuration. */
const DOMAIN = 'right-calls.test';
const GATEWAY = 'sofia/external/0301234@192.0.2.9';
const MOBILE = 'sofia/external/0170555@192.0.2.9';

let bed: PickupBed;

beforeAll(async () => {
  bed = await startPickupBed({
    simulator: {
      // 202's directory dial-string rings its desk phone and its mobile (follow-me through a gateway).
      directory: [{ user: '202', domain: DOMAIN, dialString: `sofia/internal/sip:202@127.0.0.1:6090,${MOBILE}` }],
      dialplan: [
        // Users call each other (and a transfer lands) as in freeswitch-conf's example users extension.
        { name: 'users', expression: /^(\d{3})$/, actions: [['set', 'hangup_after_bridge=true'], ['bridge', 'user/$1@${dialed_domain}']] },
        // A forward leg through mod_loopback: its -b leg rings the mobile.
        { name: 'mobile', expression: /^mobile$/, actions: [['bridge', MOBILE]] },
      ],
    },
  });
});

afterAll(async () => {
  await bed?.close();
});

/** 100 picks up sales, 101 support; 200 and 202 are in sales, 201 in support; 300 a legacy user (the transferor). */
async function users(): Promise<void> {
  await setUsers(bed, DOMAIN, {
    '100': { pickupGroups: ['sales'] },
    '101': { pickupGroups: ['support'] },
    '200': { callGroups: ['sales'] },
    '201': { callGroups: ['support'] },
    '202': { callGroups: ['sales'] },
    '300': { aclGroups: ['7'] },
  });
}

describe('the right calls, and only those', () => {
  it('a member’s own outbound call ringing elsewhere with early media (183) is never pickable', async () => {
    await users();
    const call = await bed.sim.placeCall({ domain: DOMAIN, callerUser: '200', targets: [], dialString: GATEWAY });
    await bed.sim.earlyMedia(call.bLegs[0] as string);
    await bed.sim.waitForChannel(call.aLeg, (c) => c.answerState === 'early');
    for (const dialled of ['88sales', '88200']) {
      const picker = await dial(bed, DOMAIN, '100', dialled);
      expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'nothing-to-pick', cause: 'NO_ROUTE_DESTINATION' });
    }
    expect(await bed.calls.getCall(DOMAIN, call.aLeg)).toBeUndefined();
    await bed.sim.hangup(call.aLeg);
  });

  it('a member’s call that rings their own phone too (a ring group with themselves in it) is offered for the others only', async () => {
    await users();
    const call = await bed.sim.placeCall({ domain: DOMAIN, callerUser: '200', targets: ['200', '201'] });
    await untilTracked(bed, [call.bLegs[1] as string]);
    const ownGroup = await dial(bed, DOMAIN, '100', '88sales');
    expect(await outcomeOf(bed, ownGroup)).toMatchObject({ failure: 'nothing-to-pick' });
    const otherGroup = await dial(bed, DOMAIN, '101', '88support');
    expect(await outcomeOf(bed, otherGroup)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.sim.hangup(otherGroup);
  });

  it('a call blind-transferred to a member is pickable while it rings them; the picker gets the transferred caller', async () => {
    await users();
    const call = await bed.sim.placeCall({ domain: DOMAIN, targets: ['300'], callerNumber: '5550001' });
    await bed.sim.answer(call.bLegs[0] as string);
    await bed.sim.waitForChannel(call.aLeg, (c) => c.bridgedTo === call.bLegs[0]);
    const transferee = await bed.sim.blindTransfer(call.bLegs[0] as string, '201');
    expect(transferee).toBe(call.aLeg);
    await bed.controller.waitForLog((l) => l.msg === 'leg ringing' && l.callUuid === call.aLeg && l.extension === '201');
    const picker = await dial(bed, DOMAIN, '101', '88support');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    expect((await bed.sim.waitForChannel(picker, (c) => c.bridgedTo === call.aLeg)).bridgedTo).toBe(call.aLeg);
    await bed.sim.hangup(picker);
  });

  it('a call attended-transferred to a member whose consultation call ended (voicemail) rings them anew: the picker gets the transferred caller', async () => {
    await users();
    const call = await bed.sim.placeCall({ domain: DOMAIN, targets: ['300'], callerNumber: '5550002' });
    await bed.sim.answer(call.bLegs[0] as string);
    // 300 consults 201, who declines; the consultation call goes on to "voicemail".
    const consultation = await bed.sim.placeCall({
      domain: DOMAIN,
      callerUser: '300',
      targets: ['201'],
      before: [{ app: 'set', arg: 'continue_on_fail=true' }],
      after: [{ app: 'answer', arg: '' }, { app: 'park', arg: '' }],
    });
    await bed.sim.hangup(consultation.bLegs[0] as string, 'CALL_REJECTED');
    await bed.sim.waitForChannel(consultation.aLeg, (c) => c.parked);
    await bed.sim.attendedTransfer(call.bLegs[0] as string, consultation.aLeg);
    await bed.controller.waitForLog((l) => l.msg === 'leg ringing' && l.callUuid === call.aLeg && l.extension === '201');
    const picker = await dial(bed, DOMAIN, '101', '88support');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.sim.waitForChannel(picker, (c) => c.bridgedTo === call.aLeg);
    await bed.sim.hangup(picker);
  });

  it('a call ringing a member through a follow-me leg of their dial-string (their identity on it) is pickable under their groups', async () => {
    await users();
    const call = await bed.sim.placeCall({ domain: DOMAIN, targets: ['202'] });
    expect(call.bLegs).toHaveLength(2);
    const mobile = bed.sim.channel(call.bLegs[1] as string);
    expect(mobile?.name).toMatch(/^sofia\/external\/0170555/);
    // Only the mobile still rings: the desk phone declined.
    await bed.sim.hangup(call.bLegs[0] as string, 'CALL_REJECTED');
    await bed.controller.waitForLog((l) => l.msg === 'leg stopped ringing' && l.legUuid === call.bLegs[0]);
    const picker = await dial(bed, DOMAIN, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    expect((await bed.sim.waitForChannel(call.bLegs[1] as string, (c) => c.hangupCause !== undefined)).hangupCause).toBe('PICKED_OFF');
    await bed.sim.hangup(picker);
  });

  it('a call ringing a member through a loopback forward leg that carries their identity is pickable; the forward is cancelled', async () => {
    await users();
    const call = await bed.sim.placeCall({ domain: DOMAIN, targets: [], dialString: `[dialed_user=200,dialed_domain=${DOMAIN}]loopback/mobile/default` });
    await untilTracked(bed, call.bLegs);
    const forwarded = bed.sim.liveChannels().find((c) => c.name.startsWith('sofia/external/0170555') && c.state !== 'CS_DESTROY');
    expect(forwarded).toBeDefined();
    const picker = await dial(bed, DOMAIN, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    expect((await bed.sim.waitForChannel(forwarded?.uuid as string, (c) => c.hangupCause !== undefined)).hangupCause).toBe('ORIGINATOR_CANCEL');
    await bed.sim.hangup(picker);
  });
});
