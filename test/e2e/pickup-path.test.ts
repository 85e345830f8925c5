/**
 * The pickup's fast path, held in place (issue: "as fast as FreeSWITCH's own intercept"): on a switch with
 * FreeSWITCH's real timing (simulator timing 'real'), a pickup goes through the synchronous socket without any
 * park, every command of the controller reaches the switch in one piece, and the decision costs exactly one
 * Redis round trip. No timing limit is asserted here (npm run bench measures); each of these properties is what
 * the speed rests on, and a change that breaks one fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisMonitor } from '../helpers/redis-monitor.ts';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.ts';
import { EslTestClient } from '../simulator/test-client.ts';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

let redisServer: RedisServerHandle;
let bed: PickupBed;
let monitor: RedisMonitor;

beforeAll(async () => {
  // A Redis of this file's own, so that MONITOR sees this controller only.
  redisServer = await startRedisServer();
  bed = await startPickupBed({ redisUrl: redisServer.url, simulator: { timing: 'real' } });
  monitor = await RedisMonitor.start(redisServer.port);
});

afterAll(async () => {
  monitor?.close();
  await bed?.close();
  await redisServer?.stop();
});

/** Epoch ms of a simulator-side performance.now() reading. */
function epochOf(performanceNow: number): number {
  return performance.timeOrigin + performanceNow;
}

describe('the pickup path on a switch with real timing', () => {
  it('no park, every command in one piece, and one Redis round trip between the request and the intercept', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
    const watcher = await EslTestClient.subscribed(Number(bed.env.FSP_ESL_PORT), 'plain CHANNEL_PARK CHANNEL_EXECUTE');
    try {
      // A first pickup loads the scripts (EVALSHA's first NOSCRIPT) and the preferences; the second is measured.
      for (const round of ['warm-up', 'measured']) {
        const call = await bed.sim.placeCall({ domain, targets: ['200'] });
        await untilTracked(bed, call.bLegs);
        const picker = await dial(bed, domain, '100', '88sales');
        expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
        await bed.sim.waitForChannel(picker, (c) => c.bridgedTo === call.aLeg);
        if (round === 'warm-up') {
          await bed.sim.hangup(picker);
          continue;
        }
        const session = bed.sim.commands.filter((c) => c.session === picker);
        // The controller wrote each command in one piece (a command in pieces waits ~40 ms for a delayed ACK).
        for (const command of session) expect(command.chunks, command.line).toBe(1);
        // Never parked: the request reached the controller through the synchronous socket, and nothing ran on
        // the picker's channel but the dialplan's own applications and what the controller sent over it.
        const pickerApps = watcher.events.filter((e) => e.get('Unique-ID') === picker && e.get('Event-Name') === 'CHANNEL_EXECUTE').map((e) => e.get('Application'));
        expect(pickerApps).not.toContain('park');
        expect(watcher.events.filter((e) => e.get('Unique-ID') === picker && e.get('Event-Name') === 'CHANNEL_PARK')).toEqual([]);
        expect(pickerApps).toContain('socket');
        // Between the request (the controller's `connect`) and the intercept arriving at the
        // switch, Redis ran exactly one command of the picker's domain: the claim script.
        const requested = session.find((c) => c.name === 'connect');
        const intercept = session.find((c) => c.headers['execute-app-name'] === 'intercept');
        expect(requested && intercept).toBeTruthy();
        await new Promise((resolve) => setTimeout(resolve, 50)); // MONITOR lines arrive on their own connection
        // Commands a script runs show up too, from "lua": they are part of their script's one round trip.
        const onPath = monitor.commands.filter((m) => m.source !== 'lua' && m.at >= epochOf(requested!.firstByteAt) && m.at <= epochOf(intercept!.firstByteAt) && m.text.includes(`{${domain}}`));
        expect(onPath.map((m) => m.name)).toEqual(['evalsha']);
        expect(onPath[0]?.text).toContain(picker);
        // The intercept and the channel's leave from the socket arrived together: the bridge waits for the exit
        // (16b2), so no round trip may come between them.
        const afterIntercept = session.slice(session.indexOf(intercept!));
        expect(afterIntercept.map((c) => c.headers['execute-app-name'] ?? c.name)).toEqual(['intercept', 'multiset', 'sched_cancel', 'exit']);
        for (const command of afterIntercept) expect(command.firstRead, command.line).toBe(intercept!.firstRead);
        await bed.sim.hangup(picker);
      }
    } finally {
      watcher.close();
    }
  });
});
