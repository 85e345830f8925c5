import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.ts';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

let redisServer: RedisServerHandle;
let bed: PickupBed;

beforeAll(async () => {
  // A Redis of this file's own without persistence: a restart comes back empty.
  redisServer = await startRedisServer(['--save', '']);
  bed = await startPickupBed({ redisUrl: redisServer.url });
});

afterAll(async () => {
  await bed?.close();
  await redisServer?.stop();
});

describe('Redis restarted empty', () => {
  it('the calls ringing are learnt again, and every call after it is mirrored and removed as before', async () => {
    const domain = freshDomain();
    const users = { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] }, '201': { callGroups: ['sales'] } };
    await setUsers(bed, domain, users);
    const ringingThrough = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, ringingThrough.bLegs);
    const resyncsBefore = bed.controller.logsWith('resynced ringing calls with the switch').length;
    await redisServer.kill();
    await bed.controller.waitForLog((l) => l.msg === 'Redis unavailable; pickups fail with 503 until it answers again');
    await redisServer.start();
    await bed.controller.waitForLog(() => bed.controller.logsWith('resynced ringing calls with the switch').length > resyncsBefore, 15_000);
    // The users' groups lived in Redis only: the operator restores them; the call ringing through it is offered again.
    await setUsers(bed, domain, users);
    await expect.poll(() => bed.calls.pickableInGroup(domain, 'sales')).toEqual([ringingThrough.aLeg]);

    // Calls after the restart: one answered, one cancelled, one picked up — each leaves the store.
    const answered = await bed.sim.placeCall({ domain, targets: ['201'] });
    const cancelled = await bed.sim.placeCall({ domain, targets: ['201'] });
    await untilTracked(bed, [...answered.bLegs, ...cancelled.bLegs]);
    await bed.sim.answer(answered.bLegs[0] as string);
    await bed.sim.hangup(cancelled.aLeg);
    await expect.poll(() => bed.calls.pickableInGroup(domain, 'sales')).toEqual([ringingThrough.aLeg]);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: ringingThrough.aLeg });
    await expect.poll(() => bed.calls.pickableInGroup(domain, 'sales')).toEqual([]);
    await bed.sim.hangup(picker);
    await bed.sim.hangup(answered.aLeg);
  });
});
