import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

let bed: PickupBed;

beforeAll(async () => {
  bed = await startPickupBed({ env: { FSP_PICKUP_PREFIX: '*8', FSP_CLAIM_STRATEGY: 'oldest' } });
});

afterAll(async () => {
  await bed?.close();
});

describe('configured prefix and claim strategy, and a controller that is down', () => {
  it('serves the configured prefix (*8) and takes the oldest ringing call with FSP_CLAIM_STRATEGY=oldest', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
    const calls = [];
    for (let i = 0; i < 3; i++) {
      calls.push(await bed.sim.placeCall({ domain, targets: ['200'] }));
      await untilTracked(bed, calls[i]?.bLegs ?? []);
    }
    for (const expected of calls) {
      const picker = await dial(bed, domain, '100', '*8sales');
      expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: expected.aLeg });
      await bed.sim.hangup(picker);
    }
    const wrongPrefix = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, wrongPrefix)).toMatchObject({ failure: 'invalid-dialled' });
  });

  it('with no controller running, the dialplan park_timeout ends the pickup with 503 (NORMAL_TEMPORARY_FAILURE)', async () => {
    const domain = freshDomain();
    await bed.controller.stop();
    const picker = await bed.sim.dialPickup({ extension: '100', domain, dialled: '*8sales', parkTimeoutSec: 1, variables: { fs_pickup_request: 'true' } });
    const ended = await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined, 5_000);
    expect(ended.hangupCause).toBe('NORMAL_TEMPORARY_FAILURE');
    expect(ended.bridgedTo).toBeUndefined();
    await bed.restartController();
  });
});
