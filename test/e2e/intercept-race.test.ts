/**
 * FreeSWITCH's own intercept race (capture 18, issue: "a caller dropped by FreeSWITCH's own intercept"): the
 * simulator can make an intercept lose it — the caller's failing `bridge` handled before the intercept marks it as
 * transferred, which hangs the caller up PICKED_OFF unless its continue_on_fail covers PICKED_OFF. The controller
 * sets that on every ringing call's caller leg, so the race costs nothing; when it is undone, the lost call is
 * detected and reported (log, metric, the pickup's record).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Keys } from '../../src/store/keys.ts';
import { PickupRecordStore } from '../../src/store/pickup-records.ts';
import { testRedis } from '../helpers/redis-client.ts';
import { EslTestClient } from '../simulator/test-client.ts';
import { dial, freshDomain, headerOf, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

let bed: PickupBed;

beforeAll(async () => {
  bed = await startPickupBed();
});

afterEach(() => {
  bed.sim.interceptRace(undefined);
  bed.sim.beforeSocketCommand(undefined);
});

afterAll(async () => {
  await bed?.close();
});

async function ringingSalesCall(): Promise<{ domain: string; aLeg: string; bLeg: string }> {
  const domain = freshDomain();
  await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
  const call = await bed.sim.placeCall({ domain, targets: ['200'] });
  await untilTracked(bed, call.bLegs);
  return { domain, aLeg: call.aLeg, bLeg: call.bLegs[0] as string };
}

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${await bed.controller.httpUrl()}/metrics`)).text();
  return Number(new RegExp(`^${name}\\{node="${bed.node}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
}

describe('FreeSWITCH’s intercept race (capture 18)', () => {
  it('the caller’s leg is guarded as soon as the call rings, so an intercept that loses the race still picks the call up', async () => {
    const { domain, aLeg } = await ringingSalesCall();
    await expect.poll(() => bed.sim.channel(aLeg)?.variables.continue_on_fail).toBe('PICKED_OFF');
    bed.sim.interceptRace((target) => target === aLeg);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: aLeg });
    expect(bed.sim.channel(aLeg)?.hangupCause).toBeUndefined();
    await bed.sim.hangup(picker);
  });

  it('unguarded, the race drops the caller: detected, logged, counted and recorded as caller-dropped', async () => {
    const { domain, aLeg } = await ringingSalesCall();
    await expect.poll(() => bed.sim.channel(aLeg)?.variables.continue_on_fail).toBe('PICKED_OFF');
    const dropsBefore = await metric('fs_pickup_callers_dropped_total');
    // Undo the guard in the instant between the claim and the intercept, then let the intercept lose the race.
    const esl = await EslTestClient.subscribed(Number(bed.env.FSP_ESL_PORT), 'plain HEARTBEAT');
    bed.sim.beforeSocketCommand(async (command) => {
      if (headerOf(command, 'execute-app-name') !== 'intercept') return;
      bed.sim.beforeSocketCommand(undefined);
      await esl.command(`api uuid_setvar ${aLeg} continue_on_fail`);
    });
    bed.sim.interceptRace((target) => target === aLeg);
    const picker = await dial(bed, domain, '100', '88sales');
    expect((await bed.sim.waitForChannel(aLeg, (c) => c.hangupCause !== undefined)).hangupCause).toBe('PICKED_OFF');
    expect((await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined)).hangupCause).toBe('DESTINATION_OUT_OF_ORDER');
    esl.close();

    const nodeLine = await bed.controller.waitForLog((l) => l.callUuid === aLeg && String(l.msg).startsWith('caller dropped by FreeSWITCH’s intercept race'));
    expect(nodeLine).toMatchObject({ level: 50, pickerUuid: picker, node: bed.node });
    await bed.controller.waitForLog((l) => l.pickerUuid === picker && String(l.msg).startsWith('pickup lost the call'));
    expect(await metric('fs_pickup_callers_dropped_total')).toBe(dropsBefore + 1);
    const { redis } = testRedis();
    try {
      const records = new PickupRecordStore(redis, new Keys(bed.prefix));
      await expect.poll(async () => (await records.recent(domain, 1))[0]?.record).toMatchObject({ result: 'caller-dropped', cause: 'PICKED_OFF', callUuid: aLeg, pickerUuid: picker });
    } finally {
      await redis.quit();
    }
    expect(await bed.calls.getCall(domain, aLeg)).toBeUndefined();
  });
});
