/**
 * Capture replay: each scenario recorded on a real FreeSWITCH is driven again through the simulator
 * with the same commands; per leg (caller, A leg, ringing legs, picker) the CHANNEL_* events must
 * come in the same order with the same Channel-State (on CHANNEL_STATE), Channel-Call-State,
 * Answer-State, Call-Direction, Other-Leg-Unique-ID, Hangup-Cause, variable_signal_bond and
 * Application; the commands and their replies must match too. CODEC, PRESENCE_IN, CALL_UPDATE,
 * HEARTBEAT, RE_SCHEDULE, PRIVATE_COMMAND and API events are not CHANNEL_* events and are not
 * compared (the simulator does not model codecs, presence or call-id updates).
 */
import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { LAB_DIALPLAN, LAB_DIRECTORY, run4Dialplan } from './capture-lab.ts';
import type { ChannelSnapshot } from './channel.ts';
import { callerHearsRinging, controllerIntercepts, originate, run4Call, run4Cleanup, run4Picker, subscribedController } from './replay-drivers.ts';
import { expectSameAsCapture, recordOfCapture, recordOfSimulator, type ReplayContext, type Scenario } from './replay-harness.ts';

const BAD_UUID = '53a7443b-527a-45bf-be0c-1992f5862415';
const ringing = (channel: ChannelSnapshot): boolean => channel.callState === 'RINGING';

/** Caller 300 → `destination` (a lab extension); returns the caller's uuid and the A leg from `hash select`. */
async function labCall(context: ReplayContext, destination: string): Promise<{ caller: string; aLeg: string }> {
  const caller = randomUUID();
  await context.send(originate(caller, '300', destination, 'Caller300'));
  await callerHearsRinging(context);
  const aLeg = await context.send(`api hash select/127.0.0.1-last_dial/${destination}`);
  return { caller, aLeg };
}

/** A loopback picker dialling `destination`; resolves once its -b leg is bridged to the A leg. */
async function labPickerBridged(context: ReplayContext, destination: string, aLeg: string): Promise<string> {
  const picker = randomUUID();
  await context.send(originate(picker, '400', destination, 'Picker400'));
  await context.channelNamed(/^loopback\/.*-b$/, (channel) => channel.bridgedTo === aLeg);
  return picker;
}

/** The tail of 02/02b/03: snapshots while bridged, the picker hung up, then the caller, then checks. */
async function hangUpPickerThenCaller(context: ReplayContext, picker: string, caller: string, aLeg: string): Promise<void> {
  await context.send(`api uuid_kill ${picker}`);
  await context.gone(aLeg);
  await context.send(`api uuid_kill ${caller}`);
  await context.send(`api uuid_exists ${aLeg}`);
}

/** 07b: SIP caller 302 → 200 rings, the 88sales picker intercepts, the caller hangs up (BYE). */
async function sipCallerPickedUpThenHangsUp(context: ReplayContext): Promise<string> {
  const aLeg = context.sim.sipCall({ fromUser: '302', fromHost: '127.0.0.1:5090', destination: '200' });
  await callerHearsRinging(context);
  await context.send('api hash select/127.0.0.1-last_dial/200');
  const picker = await labPickerBridged(context, '88sales', aLeg);
  await context.sim.hangup(aLeg);
  return picker;
}

const SCENARIOS: Scenario[] = [
  {
    title: '01 ring, then the loopback caller is killed',
    stem: '01-ring-then-cancel',
    formats: ['plain', 'json'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      const { caller } = await labCall(context, '200');
      await context.send(`api uuid_kill ${caller}`);
    },
  },
  ...(['02-ring-then-intercept', '02b-ring-then-intercept-by-uuid'] as const).map((stem): Scenario => ({
    title: stem === '02-ring-then-intercept' ? '02 ring, then 88sales (answer + intercept)' : '02b ring, then 89<A> (intercept, no answer)',
    stem,
    formats: stem === '02-ring-then-intercept' ? ['plain', 'json'] : ['plain'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      const { caller, aLeg } = await labCall(context, '200');
      const picker = await labPickerBridged(context, stem === '02-ring-then-intercept' ? '88sales' : `89${aLeg}`, aLeg);
      await context.send('api show channels as json');
      await context.send('api show calls as json');
      await hangUpPickerThenCaller(context, picker, caller, aLeg);
      await context.gone();
      await context.send('api show channels as json');
    },
  })),
  {
    title: '02c intercept -bleg <A> hangs up the caller PICKED_OFF',
    stem: '02c-ring-then-intercept-bleg-flag',
    formats: ['plain'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      const { caller, aLeg } = await labCall(context, '200');
      const picker = randomUUID();
      await context.send(originate(picker, '400', `87${aLeg}`, 'Picker400'));
      await context.gone();
      await context.send('api show channels as json');
      await context.send('api show calls as json');
      await context.send(`api uuid_kill ${picker}`);
      await context.send(`api uuid_kill ${caller}`);
      await context.send(`api uuid_exists ${aLeg}`);
      await context.send('api show channels as json');
    },
  },
  {
    title: '03 two phones ring, 88sales: signal-bond leg PICKED_OFF, the other ORIGINATOR_CANCEL',
    stem: '03-ring-two-then-intercept',
    formats: ['plain', 'json'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      const caller = randomUUID();
      await context.send(originate(caller, '300', '201', 'Caller300'));
      await context.channelNamed(/:5070$/, ringing);
      await context.channelNamed(/:5072$/, ringing);
      await callerHearsRinging(context);
      const aLeg = await context.send('api hash select/127.0.0.1-last_dial/201');
      await context.send('api show channels as json');
      await context.send('api show calls as json');
      const picker = await labPickerBridged(context, '88sales', aLeg);
      await hangUpPickerThenCaller(context, picker, caller, aLeg);
    },
  },
  {
    title: '04 intercept of a bad, a stale and a -bleg bad uuid fails silently',
    stem: '04-intercept-bad-uuid',
    formats: ['plain'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      const first = randomUUID();
      await context.send(originate(first, '401', `89${BAD_UUID}`));
      await context.gone();
      await context.send(`api uuid_exists ${first}`);
      const { caller } = await labCall(context, '200');
      await context.send(`api uuid_kill ${caller}`);
      await context.gone();
      await context.send('api hash select/127.0.0.1-last_dial/200');
      const second = randomUUID();
      await context.send(originate(second, '402', '88200'));
      await context.gone();
      await context.send(`api uuid_exists ${second}`);
      const third = randomUUID();
      await context.send(originate(third, '403', `87${BAD_UUID}`));
      await context.gone();
      await context.send(`api uuid_exists ${third}`);
    },
  },
  {
    title: '07a SIP caller cancels while ringing (ORIGINATOR_CANCEL on both legs)',
    stem: '07a-sip-caller-ring-then-cancel',
    formats: ['plain', 'json'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      const aLeg = context.sim.sipCall({ fromUser: '301', fromHost: '127.0.0.1:5090', destination: '200' });
      await callerHearsRinging(context);
      await context.send('api hash select/127.0.0.1-last_dial/200');
      await context.sim.hangup(aLeg);
    },
  },
  {
    title: '07b SIP caller picked up by 88sales, hangs up; the picker is killed during its sleep',
    stem: '07b-sip-caller-ring-then-intercept',
    formats: ['plain'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      const picker = await sipCallerPickedUpThenHangsUp(context);
      await context.channelNamed(/^loopback\/88sales-b$/, (channel) => channel.variables['current_application'] === 'sleep');
      await context.send(`api uuid_exists ${picker}`);
      await context.send(`api uuid_kill ${picker}`);
    },
  },
  {
    // The json run of 07b: the driver's check came after the picker's own sleep + hangup.
    title: '07b SIP caller picked up by 88sales, hangs up; the picker ends its dialplan',
    stem: '07b-sip-caller-ring-then-intercept',
    formats: ['json'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      const picker = await sipCallerPickedUpThenHangsUp(context);
      await context.gone();
      await context.send(`api uuid_exists ${picker}`);
    },
  },
  {
    title: '08 uuid_transfer <parked picker> intercept:<A> inline, then away to a bogus intercept',
    stem: '08-ring-then-uuid_transfer-inline-intercept',
    formats: ['plain'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      const { caller, aLeg } = await labCall(context, '200');
      const picker = randomUUID();
      await context.send(originate(picker, '401', '9999', 'Picker401'));
      const parked = await context.channelNamed(/^loopback\/9999-b$/, (channel) => channel.parked);
      await context.send(`api uuid_transfer ${parked.uuid} intercept:${aLeg} inline`);
      await context.channelNamed(/^loopback\/9999-b$/, (channel) => channel.bridgedTo === aLeg);
      await context.send('api show calls as json');
      await context.send(`api uuid_transfer ${parked.uuid} intercept:00000000-0000-0000-0000-000000000000 inline`);
      await context.gone();
      for (const uuid of [parked.uuid, aLeg, picker, caller, aLeg, parked.uuid]) await context.send(`api uuid_exists ${uuid}`);
    },
  },
  {
    title: '11 directory user: bridge user/200@127.0.0.1, intercept by 89<A>',
    stem: '11-dir-user-ring-then-intercept',
    formats: ['plain', 'json'],
    dialplan: LAB_DIALPLAN,
    directory: LAB_DIRECTORY,
    skipReplies: /^api show channels/,
    async drive(context) {
      await context.send('api user_exists id 200 127.0.0.1');
      await context.send('api user_data 200@127.0.0.1 var call_groups');
      await context.send('api user_data 200@127.0.0.1 param dial-string');
      await context.send('api user_data 200@127.0.0.1 param dial-var-user_team');
      const { caller, aLeg } = await labCall(context, 'u200');
      const bLeg = (await context.channelNamed(/^sofia\/internal\/200@/)).uuid;
      for (const name of ['dialed_user', 'dialed_domain', 'presence_id', 'call_groups', 'user_team', 'effective_caller_id_name', 'user_name', 'domain_name']) {
        await context.send(`api uuid_getvar ${bLeg} ${name}`);
      }
      for (const name of ['dialed_user', 'presence_id', 'call_groups', 'originated_legs']) await context.send(`api uuid_getvar ${aLeg} ${name}`);
      await context.send('api show channels as json');
      const picker = await labPickerBridged(context, `89${aLeg}`, aLeg);
      await context.send(`api uuid_kill ${picker}`);
      await context.gone();
      await context.send(`api uuid_exists ${caller}`);
      await context.send(`api uuid_exists ${aLeg}`);
    },
  },
  {
    title: '13 park with park_timeout=3:NORMAL_TEMPORARY_FAILURE',
    stem: '13-park-timeout',
    formats: ['plain', 'json'],
    dialplan: LAB_DIALPLAN,
    async drive(context) {
      await context.send(originate(randomUUID(), '300', '9913', 'Caller300'));
      const parked = await context.channelNamed(/^loopback\/9913-b$/, (channel) => channel.parked);
      await context.send(`api uuid_getvar ${parked.uuid} park_timeout`);
    },
  },
  {
    title: '14 parked SIP picker, controller sendmsg set + intercept, picker hangs up',
    stem: '14-park-pickup-sendmsg-intercept.node1',
    sharedControl: true,
    formats: ['plain', 'json'],
    dialplan: run4Dialplan(),
    async drive(context) {
      const { aLeg } = await run4Call(context);
      await subscribedController(context);
      const picker = await run4Picker(context);
      await controllerIntercepts(context, picker, aLeg);
      await context.sim.waitForChannel(picker, (channel) => channel.bridgedTo === aLeg);
      await context.sim.hangup(picker);
      await run4Cleanup(context);
    },
  },
  {
    title: '14b target gone: intercept fails silently, the picker stays parked until park_timeout',
    stem: '14b-park-pickup-target-gone-no-reaction.node1',
    sharedControl: true,
    formats: ['plain', 'json'],
    // park_timeout has whole-second resolution: 2 s leaves at least 1 s for set + intercept.
    dialplan: run4Dialplan(2),
    async drive(context) {
      const { caller, aLeg } = await run4Call(context);
      await context.send(`api uuid_kill ${caller} NORMAL_CLEARING`);
      await context.gone();
      await context.send(`api uuid_exists ${aLeg}`);
      await subscribedController(context);
      await controllerIntercepts(context, await run4Picker(context), aLeg);
      await run4Cleanup(context);
    },
  },
  {
    title: '14c3 target gone: tone with event-lock, then hangup',
    stem: '14c3-park-pickup-target-gone-tone-event-lock-then-hangup.node1',
    sharedControl: true,
    formats: ['plain'],
    dialplan: run4Dialplan(),
    // The caller was killed 19 ms after the originate: the 180 had come, but the originate loop had
    // not yet passed it on to the caller. A slow loop tick reproduces that.
    simulator: { parkTickMs: 300 },
    async drive(context) {
      const caller = randomUUID();
      await context.send(originate(caller, '300', '200', 'Caller300'));
      await context.channelNamed(/^sofia\/internal\/200@/, ringing);
      const aLeg = (await context.channelNamed(/^loopback\/200-b$/)).uuid;
      await context.send(`api uuid_kill ${caller} NORMAL_CLEARING`);
      await context.gone();
      await context.send(`api uuid_exists ${aLeg}`);
      await subscribedController(context);
      const picker = await run4Picker(context);
      const controller = await controllerIntercepts(context, picker, aLeg);
      await controller.waitForEvent((event) => event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE' && event.get('Application') === 'intercept');
      await controller.command(`sendmsg ${picker}\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: tone_stream://%(250,250,480,620);loops=3\nevent-lock: true\nEvent-UUID: ${randomUUID()}`);
      await controller.command(`sendmsg ${picker}\ncall-command: execute\nexecute-app-name: hangup\nexecute-app-arg: NORMAL_CLEARING\nEvent-UUID: ${randomUUID()}`);
      await run4Cleanup(context);
    },
  },
  {
    title: '14d no controller: the parked picker ends at park_timeout',
    stem: '14d-park-pickup-no-controller-park-timeout.node1',
    sharedControl: true,
    formats: ['plain', 'json'],
    dialplan: run4Dialplan(1),
    async drive(context) {
      await subscribedController(context);
      await run4Picker(context);
      await run4Cleanup(context);
    },
  },
];

describe.concurrent('capture replay', () => {
  for (const scenario of SCENARIOS) {
    for (const format of scenario.formats) {
      it(`${scenario.title} [${format}]`, async () => {
        const capture = recordOfCapture(scenario, format);
        expectSameAsCapture(await recordOfSimulator(scenario, format), capture);
      }, 30_000);
    }
  }
});
