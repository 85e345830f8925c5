/**
 * The applications the product's dialplan added: sched_hangup (whole epoch seconds, cause
 * ALLOTTED_TIMEOUT unless given), sched_cancel (the channel's own tasks), unset, and bridge with an
 * empty argument (returns at once, doing nothing).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DialplanAction } from './dialplan.ts';
import { FreeSwitchSimulator } from './simulator.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A simulator whose extension `run` does `actions` then parks; resolves the calling channel's uuid. */
async function callRunning(actions: readonly DialplanAction[]): Promise<{ sim: FreeSwitchSimulator; uuid: string }> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2, dialplan: [{ name: 'run', expression: /^run$/, actions: [...actions, ['park']] }] });
  cleanups.push(() => sim.close());
  const uuid = sim.sipCall({ fromUser: '100', fromHost: 'pbx.test', destination: 'run' });
  await sim.waitForChannel(uuid, (channel) => channel.parked);
  return { sim, uuid };
}

describe('sched_hangup / sched_cancel', () => {
  // One test, three calls at once: each waits for a whole-second scheduler.
  it('sched_hangup +1 [<cause>] hangs up when the epoch second reaches now+1 (cause ALLOTTED_TIMEOUT by default); sched_cancel deletes the channel\'s tasks', async () => {
    const started = Date.now();
    const [withCause, withoutCause, cancelled] = await Promise.all([
      callRunning([['sched_hangup', '+1 USER_BUSY']]),
      callRunning([['sched_hangup', '+1']]),
      callRunning([['sched_hangup', '+1'], ['sched_cancel']]),
    ]);
    const ends = await Promise.all([withCause, withoutCause].map(({ sim, uuid }) => sim.waitForChannel(uuid, (channel) => channel.hangupCause !== undefined, 2_000)));
    expect(ends.map((channel) => channel.hangupCause)).toEqual(['USER_BUSY', 'ALLOTTED_TIMEOUT']);
    expect(Date.now()).toBeLessThanOrEqual((Math.floor(started / 1000) + 2) * 1000 + 50);
    await new Promise((resolve) => setTimeout(resolve, (Math.floor(started / 1000) + 2) * 1000 + 100 - Date.now()));
    expect(cancelled.sim.channel(cancelled.uuid)!.hangupCause).toBeUndefined();
  });
});

describe('unset, empty bridge', () => {
  it('unset removes a variable; bridge with nothing to dial returns at once and the dialplan goes on', async () => {
    const { sim, uuid } = await callRunning([['set', 'target=x'], ['unset', 'target'], ['bridge', '${target}'], ['set', 'after=[${target}]']]);
    const channel = sim.channel(uuid)!;
    expect([channel.variables['target'], channel.variables['after'], channel.hangupCause, channel.answerState]).toEqual([undefined, '[]', undefined, 'ringing']);
  });
});
