/**
 * The simulator's model of FreeSWITCH's intercept race (capture 18), through a dialplan `intercept` as a real
 * switch runs it: an intercept that loses the race answers the picker, then the caller's leg is hung up
 * PICKED_OFF (answered, naming the picker as its other leg) and the picker DESTINATION_OUT_OF_ORDER — unless the
 * caller's continue_on_fail covers PICKED_OFF.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isDroppedCaller } from '../../src/esl/intercept-race.ts';
import type { EslEvent } from '../../src/esl/event.ts';
import { FreeSwitchSimulator } from './simulator.ts';
import { EslTestClient } from './test-client.ts';

const sims: FreeSwitchSimulator[] = [];
afterEach(async () => {
  for (const sim of sims.splice(0)) await sim.close();
});

async function raceBed(): Promise<{ sim: FreeSwitchSimulator; watcher: EslTestClient }> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2, dialplan: [{ name: 'native-intercept', expression: /^89(.+)$/, actions: [['intercept', '$1']] }] });
  sims.push(sim);
  const port = await sim.listen(0);
  const watcher = await EslTestClient.subscribed(port, 'plain CHANNEL_HANGUP');
  return { sim, watcher };
}

function asEvent(headers: ReadonlyArray<readonly [string, string]>): EslEvent {
  const map = Object.fromEntries(headers);
  return { name: map['Event-Name'] ?? '', headers: map, body: '' } as unknown as EslEvent;
}

describe('simulator: FreeSWITCH’s intercept race', () => {
  it('an intercept that loses it drops the caller as in capture 18', async () => {
    const { sim, watcher } = await raceBed();
    const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    sim.interceptRace((target) => target === call.aLeg);
    const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: `89${call.aLeg}` });
    const callerHangup = await watcher.waitForEvent((e) => e.get('Unique-ID') === call.aLeg, 'the caller’s hangup');
    const pickerHangup = await watcher.waitForEvent((e) => e.get('Unique-ID') === picker, 'the picker’s hangup');
    expect([callerHangup.get('Hangup-Cause'), callerHangup.get('Channel-Call-State'), callerHangup.get('Other-Leg-Unique-ID')]).toEqual(['PICKED_OFF', 'ACTIVE', picker]);
    expect(pickerHangup.get('Hangup-Cause')).toBe('DESTINATION_OUT_OF_ORDER');
    expect(isDroppedCaller(asEvent(callerHangup.headers))).toBe(true);
    const ringingHangup = await watcher.waitForEvent((e) => e.get('Unique-ID') === call.bLegs[0], 'the ringing leg’s hangup');
    expect(isDroppedCaller(asEvent(ringingHangup.headers))).toBe(false);
    watcher.close();
  });

  it('continue_on_fail covering PICKED_OFF on the caller’s leg closes it: the pickup goes through', async () => {
    const { sim, watcher } = await raceBed();
    const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    await watcher.command(`api uuid_setvar ${call.aLeg} continue_on_fail NO_ANSWER,PICKED_OFF`);
    sim.interceptRace((target) => target === call.aLeg);
    const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: `89${call.aLeg}` });
    expect((await sim.waitForChannel(picker, (c) => c.bridgedTo === call.aLeg)).hangupCause).toBeUndefined();
    expect(sim.channel(call.aLeg)?.hangupCause).toBeUndefined();
    watcher.close();
  });
});
