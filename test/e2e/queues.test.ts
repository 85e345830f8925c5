import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed } from './harness.ts';

let bed: PickupBed;

beforeAll(async () => {
  bed = await startPickupBed();
});

afterAll(async () => {
  await bed?.close();
});

/** Agent legs mod_callcenter has ringing for a member (they name it only by cc_member_session_uuid). */
function agentLegs(memberUuid: string) {
  return bed.sim.liveChannels().filter((c) => c.variables.cc_member_session_uuid === memberUuid && c.variables.cc_side === 'agent');
}

async function untilQueued(domain: string, memberUuid: string, legs: number): Promise<void> {
  await expect.poll(async () => Object.keys((await bed.calls.getCall(domain, memberUuid))?.legs ?? {}).length, { timeout: 5_000 }).toBe(legs);
}

describe('queue pickup 88cg_<queue> with mod_callcenter (captures 09-09f)', () => {
  it('ring-all with three agents: a permitted user picks the member up, mod_callcenter ends every agent leg, none rings again', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupQueues: ['support'] }, '101': { pickupGroups: ['sales'] } });
    const agents = ['300', '301', '302'].map((extension) => ({ name: `${extension}@${domain}`, extension }));
    const { memberUuid } = await bed.sim.enqueueMember({ queue: `support@${domain}`, strategy: 'ring-all', agents, callerNumber: '5551234' });
    await untilQueued(domain, memberUuid, 3);
    const ringing = agentLegs(memberUuid).map((c) => c.uuid);
    expect(ringing).toHaveLength(3);

    const refused = await dial(bed, domain, '101', '88cg_support');
    expect(await outcomeOf(bed, refused)).toMatchObject({ failure: 'not-permitted', cause: 'OUTGOING_CALL_BARRED' });

    const picker = await dial(bed, domain, '100', '88cg_support');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: memberUuid });
    // The member (an answered session) was intercepted with intercept_unbridged_only, the dialplan's
    // intercept_unanswered_only lifted first.
    const sets = bed.sim.commands.filter((c) => c.session === picker && c.headers['execute-app-name'] === 'set').map((c) => c.headers['execute-app-arg'] ?? '');
    expect(sets.filter((assignment) => assignment.startsWith('intercept_'))).toEqual(['intercept_unanswered_only=false', 'intercept_unbridged_only=true']);
    expect((await bed.sim.waitForChannel(picker, (c) => c.bridgedTo === memberUuid)).bridgedTo).toBe(memberUuid);
    const causes = await Promise.all(ringing.map(async (leg) => (await bed.sim.waitForChannel(leg, (c) => c.hangupCause !== undefined)).hangupCause));
    expect(causes).toEqual(['ORIGINATOR_CANCEL', 'ORIGINATOR_CANCEL', 'ORIGINATOR_CANCEL']);
    // No agent is offered the member again (mod_callcenter's no-answer delay is 2 s).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(agentLegs(memberUuid)).toEqual([]);
    expect(await bed.calls.getCall(domain, memberUuid)).toBeUndefined();
    await bed.sim.hangup(picker);
  });

  it('one agent at a time (top-down): the ringing agent leg is cancelled and the member is the picker’s', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupQueues: ['sales-q'] } });
    const agents = ['310', '311'].map((extension) => ({ name: `${extension}@${domain}`, extension }));
    const { memberUuid } = await bed.sim.enqueueMember({ queue: `sales-q@${domain}`, strategy: 'top-down', agents });
    await untilQueued(domain, memberUuid, 1);
    const [first] = agentLegs(memberUuid);
    const picker = await dial(bed, domain, '100', '88cg_sales-q');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: memberUuid });
    expect((await bed.sim.waitForChannel(first?.uuid ?? '', (c) => c.hangupCause !== undefined)).hangupCause).toBe('ORIGINATOR_CANCEL');
    await bed.sim.hangup(picker);
  });

  it('an agent who answered is never stolen: the pickup finds nothing', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupQueues: ['support'] } });
    const { memberUuid } = await bed.sim.enqueueMember({ queue: `support@${domain}`, strategy: 'ring-all', agents: [{ name: `300@${domain}`, extension: '300' }] });
    await untilQueued(domain, memberUuid, 1);
    const [agent] = agentLegs(memberUuid);
    await bed.sim.answer(agent?.uuid ?? '');
    await expect.poll(() => bed.calls.getCall(domain, memberUuid), { timeout: 5_000 }).toBeUndefined();
    const picker = await dial(bed, domain, '100', '88cg_support');
    expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'nothing-to-pick' });
    expect(bed.sim.channel(agent?.uuid ?? '')?.hangupCause).toBeUndefined();
  });

  it('a ring group built with bridge and tagged fs_pickup_queue is a queue too', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupQueues: ['helpdesk'] } });
    const call = await bed.sim.placeCall({ domain, targets: ['400', '401'], dialVariables: { fs_pickup_queue: 'helpdesk' } });
    await untilQueued(domain, call.aLeg, 2);
    const picker = await dial(bed, domain, '100', '88cg_helpdesk');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.sim.hangup(picker);
  });

  it('queue calls that started ringing while the controller was down are learnt by the resync (agent legs have no partner)', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupQueues: ['support'] } });
    await bed.controller.stop('SIGKILL');
    const { memberUuid } = await bed.sim.enqueueMember({ queue: `support@${domain}`, strategy: 'ring-all', agents: [{ name: `300@${domain}`, extension: '300' }, { name: `301@${domain}`, extension: '301' }] });
    await bed.restartController();
    expect(Object.keys((await bed.calls.getCall(domain, memberUuid))?.legs ?? {})).toHaveLength(2);
    const picker = await dial(bed, domain, '100', '88cg_support');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: memberUuid });
    await bed.sim.hangup(picker);
  });
});
