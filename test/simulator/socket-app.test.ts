/**
 * The synchronous `socket` application beyond the replays (socket-replay.test.ts): the channel data
 * `connect` answers compared with 16a's bytes, the first command FreeSWITCH never answers, the TCP
 * reads each session command came in (and the 40 ms stall of a split one in real timing).
 */
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { captureBytes } from '../helpers/captures.ts';
import { RUN5_NODES } from './capture-lab.ts';
import { FreeSwitchSimulator, type SimulatorOptions } from './simulator.ts';
import { StandInController } from './stand-in-controller.ts';
import { replyText } from './test-client.ts';

// 16a's picker, and the values that differ from run to run or from the simulator's made-up phone.
const CAPTURED_PICKER = '9b35f937-3ff9-40ed-b570-b0a6cba8f723';
const VARYING = new Set([
  'Core-UUID', 'Event-Date-Local', 'Event-Date-GMT', 'Event-Date-Timestamp', 'Event-Sequence', 'Channel-Profile-Created-Time',
  'Channel-Channel-Created-Time', 'Caller-Profile-Created-Time', 'Caller-Channel-Created-Time', 'variable_session_id',
  'variable_sip_call_id', 'variable_sip_network_port', 'variable_sip_invite_stamp', 'variable_sip_received_port',
  'variable_sip_from_tag', 'variable_sip_full_via', 'variable_sip_full_from', 'variable_sip_contact_port', 'variable_sip_contact_uri',
  'variable_sip_via_port', 'variable_sofia_profile_url', 'variable_switch_r_sdp', 'variable_current_application_data',
  'variable_Core-UUID', 'variable_Event-Date-Local', 'variable_Event-Date-GMT', 'variable_Event-Date-Timestamp', 'variable_Event-Sequence',
]);
// Not simulated: the test phone's Subject header, and the dialplan's DP_MATCH.
const NOT_SIMULATED = new Set(['variable_sip_subject', 'variable_DP_MATCH']);

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Run 5's node1 (cap_mode 16a) with a stand-in controller; the picker dials 88sales. */
async function pickerSession(options: SimulatorOptions = {}): Promise<{ sim: FreeSwitchSimulator; picker: string; session: Awaited<ReturnType<StandInController['nextSession']>> }> {
  const sim = new FreeSwitchSimulator({ ...RUN5_NODES.node1, parkTickMs: 2, ...options });
  await sim.listen(0);
  cleanups.push(() => sim.close());
  const controller = await StandInController.listen();
  cleanups.push(() => controller.close());
  sim.setGlobal('cap_listen', String(controller.port));
  sim.setGlobal('cap_mode', '16a');
  const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
  return { sim, picker, session: await controller.nextSession() };
}

/** A header block as `name: value` lines (values as sent, URL-encoded), the picker's uuid as <P>. */
function lines(block: string, picker: string): Array<[string, string]> {
  return block.split('\n').map((line) => {
    const colon = line.indexOf(': ');
    return [line.slice(0, colon), line.slice(colon + 2).replaceAll(picker, '<P>')];
  });
}

describe('connect', () => {
  it("answers 16a's channel data: one header block, no Content-Length, the same headers in the same order and values", async () => {
    const { picker, session } = await pickerSession();
    await session.command('connect');
    const ours = Buffer.concat(session.received).toString('utf8');
    const captured = captureBytes('16a-sync-socket-decision-rpc.node1.socket-session.txt').toString('utf8');
    const capturedBlock = captured.slice(0, captured.indexOf('\n\n'));
    expect(ours).toBe(`${ours.slice(0, ours.indexOf('\n\n'))}\n\n`);
    const expected = lines(capturedBlock, CAPTURED_PICKER).filter(([name]) => !NOT_SIMULATED.has(name));
    const actual = lines(ours.slice(0, -2), picker);
    expect(actual.map(([name]) => name)).toEqual(expected.map(([name]) => name));
    const comparable = (entries: Array<[string, string]>): Array<[string, string]> => entries.filter(([name]) => !VARYING.has(name));
    expect(comparable(actual)).toEqual(comparable(expected));
    expect(actual.slice(-4)).toEqual([['Content-Type', 'command/reply'], ['Reply-Text', '%2BOK%0A'], ['Socket-Mode', 'static'], ['Control', 'single-channel']]);
  });

  it('the first command is handled but never answered (listener_run): myevents first, the next reply is the first one', async () => {
    const { session } = await pickerSession();
    session.write('myevents\n\n');
    expect(replyText(await session.command('getvar pickup_target'))).toBe('sales');
    expect(session.frames).toHaveLength(1);
    expect(replyText(await session.command('myevents'))).toBe('-ERR aready enabled.');
  });
});

describe('TCP reads per command', () => {
  it('recorded in every mode: a command written in two pieces counts 2', async () => {
    const { sim, picker, session } = await pickerSession();
    await session.command('connect');
    const reply = session.nextReply();
    session.write('getvar pick');
    await new Promise((resolve) => setTimeout(resolve, 5));
    session.write('up_target\n\n');
    expect(replyText(await reply)).toBe('sales');
    expect(sim.commands.filter((command) => command.session === picker).map((command) => [command.line, command.chunks])).toEqual([
      ['connect', 1], ['getvar pickup_target', 2],
    ]);
  });

  it('real timing: the split command is answered ~40 ms after its first piece, a whole one at once', async () => {
    const { session } = await pickerSession({ timing: 'real' });
    const whole = performance.now();
    await session.command('connect');
    const wholeMs = performance.now() - whole;
    const split = performance.now();
    const reply = session.nextReply();
    session.write('getvar pick');
    await new Promise((resolve) => setTimeout(resolve, 5));
    session.write('up_target\n\n');
    await reply;
    expect(wholeMs).toBeLessThan(15);
    expect(performance.now() - split).toBeGreaterThanOrEqual(39);
  });
});
