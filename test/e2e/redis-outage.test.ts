import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.ts';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed } from './harness.ts';

let redisServer: RedisServerHandle;
let bed: PickupBed;

beforeAll(async () => {
  // A Redis of this file's own, with an append-only file so that a restart keeps the users' groups.
  redisServer = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'always']);
  bed = await startPickupBed({ redisUrl: redisServer.url });
});

afterAll(async () => {
  await bed?.close();
  await redisServer?.stop();
});

describe('Redis outage', () => {
  it('a pickup during the outage fails cleanly with 503; after Redis returns the controller resyncs and serves', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
    const linesBefore = bed.controller.logs.length;
    await redisServer.kill();
    await bed.controller.waitForLog((l) => l.msg === 'Redis unavailable; pickups fail with 503 until it answers again');
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'unavailable', cause: 'NORMAL_TEMPORARY_FAILURE' });
    expect((await bed.sim.waitForChannel(picker, (c) => c.hangupCause !== undefined)).hangupCause).toBe('NORMAL_TEMPORARY_FAILURE');

    const resyncsBefore = bed.controller.logsWith('resynced ringing calls with the switch').length;
    await redisServer.start();
    await bed.controller.waitForLog((l) => l.msg === 'Redis answers again' && typeof l.downForMs === 'number', 15_000);
    await bed.controller.waitForLog(() => bed.controller.logsWith('resynced ringing calls with the switch').length > resyncsBefore, 15_000);
    // What an administrator reads of the outage: one warning, one line when it is over, no stack trace.
    const outage = bed.controller.logs.slice(linesBefore);
    expect(outage.filter((l) => String(l.msg).startsWith('Redis unavailable'))).toHaveLength(1);
    expect(outage.filter((l) => l.msg === 'Redis answers again')).toHaveLength(1);
    expect(outage.filter((l) => Number(l.level) >= 40 && l.module === 'redis')).toHaveLength(1);
    expect(JSON.stringify(outage)).not.toMatch(/"stack"/);
    // The call that started ringing during the outage was learnt from the switch.
    const second = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, second)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.sim.hangup(second);
  });
});
