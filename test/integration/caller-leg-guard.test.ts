/**
 * CallerLegGuard on the simulator (real TCP ESL): the caller's leg of a ringing call gets continue_on_fail covering
 * PICKED_OFF, keeping what the dialplan set, so FreeSWITCH's intercept race (capture 18) cannot hang it up.
 */
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { CallerLegGuard } from '../../src/esl/caller-leg-guard.ts';
import { EslClient } from '../../src/esl/client.ts';
import { FreeSwitchSimulator } from '../simulator/index.ts';

const silent = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown> | unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function guardOnSimulator(): Promise<{ sim: FreeSwitchSimulator; esl: EslClient; guard: CallerLegGuard }> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2 });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  const esl = new EslClient({ host: '127.0.0.1', port, password: 'ClueCon', events: ['HEARTBEAT'], logger: silent });
  cleanups.push(() => esl.stop());
  const ready = new Promise<void>((resolve) => esl.onReady(() => resolve()));
  esl.start();
  await ready;
  return { sim, esl, guard: new CallerLegGuard(esl, silent) };
}

describe('CallerLegGuard', () => {
  it('sets PICKED_OFF where the dialplan set nothing, appends it to a list, and leaves a value that covers it', async () => {
    const { sim, esl, guard } = await guardOnSimulator();
    const cases: Array<[string | undefined, string]> = [
      [undefined, 'PICKED_OFF'],
      ['USER_BUSY,NO_ANSWER', 'USER_BUSY,NO_ANSWER,PICKED_OFF'],
      ['true', 'true'],
      ['NO_ANSWER,805', 'NO_ANSWER,805'],
    ];
    for (const [dialplanValue, expected] of cases) {
      const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
      if (dialplanValue !== undefined) expect(await esl.api(`uuid_setvar ${call.aLeg} continue_on_fail ${dialplanValue}`)).toMatch(/^\+OK/);
      await guard.protect(call.aLeg);
      expect(await esl.api(`uuid_getvar ${call.aLeg} continue_on_fail`), String(dialplanValue)).toBe(expected);
    }
  });

  it('guards a call once, and a call already gone costs nothing and throws nothing', async () => {
    const { sim, esl, guard } = await guardOnSimulator();
    const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    await guard.protect(call.aLeg);
    await esl.api(`uuid_setvar ${call.aLeg} continue_on_fail false`);
    await guard.protect(call.aLeg);
    expect(await esl.api(`uuid_getvar ${call.aLeg} continue_on_fail`)).toBe('false');
    const before = sim.commands.length;
    await expect(guard.protect('00000000-0000-4000-8000-000000000000')).resolves.toBeUndefined();
    expect(sim.commands.slice(before).map((c) => c.line.split(' ').slice(0, 2).join(' '))).toEqual(['api uuid_getvar']);
  });
});
