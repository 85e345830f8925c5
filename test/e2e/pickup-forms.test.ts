import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

let bed: PickupBed;

beforeAll(async () => {
  bed = await startPickupBed();
});

afterAll(async () => {
  await bed?.close();
});

/**
 * Groups users: 100 (may pick up sales), 101 (may pick up support), 200 (in sales).
 * Legacy users (no groups): 300 and 301 in ACL group 7, 400 in ACL group 7 with the group pickup right,
 * 401 in ACL group 7 without it, 402 in ACL group 8 with the right.
 */
async function users(domain: string): Promise<void> {
  await setUsers(bed, domain, {
    '100': { pickupGroups: ['sales'] },
    '101': { pickupGroups: ['support'] },
    '200': { callGroups: ['sales'] },
    '300': { aclGroups: ['7'] },
    '301': { aclGroups: ['7'] },
    '400': { aclGroups: ['7'], groupPickup: true },
    '401': { aclGroups: ['7'] },
    '402': { aclGroups: ['8'], groupPickup: true },
  });
}

describe('directed pickup 88<extension>', () => {
  it('a groups user picks up the call ringing an extension whose call groups meet their pickup groups', async () => {
    const domain = freshDomain();
    await users(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const refused = await dial(bed, domain, '101', '88200');
    expect(await outcomeOf(bed, refused)).toMatchObject({ failure: 'not-permitted', cause: 'OUTGOING_CALL_BARRED' });
    const picker = await dial(bed, domain, '100', '88200');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.sim.hangup(picker);
  });

  it('a legacy user picks up a legacy extension of a shared ACL group; never across behaviours', async () => {
    const domain = freshDomain();
    await users(domain);
    const legacyCall = await bed.sim.placeCall({ domain, targets: ['300'] });
    const groupsCall = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, [...legacyCall.bLegs, ...groupsCall.bLegs]);
    const acrossBehaviours = await dial(bed, domain, '400', '88200');
    expect(await outcomeOf(bed, acrossBehaviours)).toMatchObject({ failure: 'not-permitted' });
    const groupsToLegacy = await dial(bed, domain, '100', '88300');
    expect(await outcomeOf(bed, groupsToLegacy)).toMatchObject({ failure: 'not-permitted' });
    const otherAcl = await dial(bed, domain, '402', '88300');
    expect(await outcomeOf(bed, otherAcl)).toMatchObject({ failure: 'not-permitted' });
    const picker = await dial(bed, domain, '400', '88300');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: legacyCall.aLeg });
    await bed.sim.hangup(picker);
    await bed.sim.hangup(groupsCall.aLeg);
  });
});

describe('legacy group pickup 88', () => {
  it('a legacy user with the right picks up a call ringing a legacy user of their ACL group', async () => {
    const domain = freshDomain();
    await users(domain);
    const groupsCall = await bed.sim.placeCall({ domain, targets: ['200'] });
    const legacyCall = await bed.sim.placeCall({ domain, targets: ['301'] });
    await untilTracked(bed, [...groupsCall.bLegs, ...legacyCall.bLegs]);
    const picker = await dial(bed, domain, '400', '88');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: legacyCall.aLeg });
    // Only the groups call is left, and legacy group pickup never offers it.
    const second = await dial(bed, domain, '400', '88');
    expect(await outcomeOf(bed, second)).toMatchObject({ failure: 'nothing-to-pick' });
    await bed.sim.hangup(picker);
    await bed.sim.hangup(groupsCall.aLeg);
  });

  it('is refused to groups users (the spec: it stops working for them) and to legacy users without the right', async () => {
    const domain = freshDomain();
    await users(domain);
    const call = await bed.sim.placeCall({ domain, targets: ['300'] });
    await untilTracked(bed, call.bLegs);
    for (const extension of ['100', '401', '402']) {
      const picker = await dial(bed, domain, extension, '88');
      const outcome = await outcomeOf(bed, picker);
      expect(outcome.failure).toBe(extension === '402' ? 'nothing-to-pick' : 'not-permitted');
    }
    expect(await bed.calls.getCall(domain, call.aLeg)).toBeDefined();
    await bed.sim.hangup(call.aLeg);
  });
});
