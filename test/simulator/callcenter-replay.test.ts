/**
 * Capture replay of run 3's mod_callcenter scenarios (09, 09b, 09c, 09e, 09f): a loopback caller
 * enters a queue, agent legs ring (or one answers), a picker `86<member>` (intercept_unbridged_only)
 * or `89<member>` intercepts the member, the driver kills agent legs before or after. Compared as
 * in replay.test.ts (per-leg CHANNEL_* sequences, commands and replies) plus every agent's CC-Action
 * sequence. `callcenter_config` is not simulated: its replies (tables that also list rows of earlier
 * runs) are not compared, nor are `show` replies taken while the lab still had those rows' channels.
 */
import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { LAB_DIALPLAN, LAB_QUEUES } from './capture-lab.ts';
import type { ChannelSnapshot } from './channel.ts';
import { originate } from './replay-drivers.ts';
import { expectSameAsCapture, recordOfCapture, recordOfSimulator, type ReplayContext, type Scenario } from './replay-harness.ts';

const ringing = (channel: ChannelSnapshot): boolean => channel.callState === 'RINGING';

/** The driver's four `callcenter_config` snapshots of a queue. */
async function queueSnapshot(context: ReplayContext, queue: string): Promise<void> {
  for (const command of [`queue list members ${queue}`, `queue count members ${queue}`, 'agent list', `queue list tiers ${queue}`]) {
    await context.send(`api callcenter_config ${command}`);
  }
}

/** The ringing leg of agent `<extension>@default` that is not one of `seen`. */
async function agentLeg(context: ReplayContext, extension: string, seen: readonly string[] = []): Promise<string> {
  const leg = await context.channelNamed(new RegExp(`^sofia/internal/${extension}@`), (channel) => ringing(channel) && !seen.includes(channel.uuid));
  return leg.uuid;
}

/** Caller 300 dials a queue extension; returns the caller's uuid and the member (its loopback -b leg). */
async function enterQueue(context: ReplayContext, extension: string): Promise<{ caller: string; member: string }> {
  const caller = randomUUID();
  await context.send(originate(caller, '300', extension, 'Caller300'));
  const member = await context.channelNamed(new RegExp(`^loopback/${extension}-b$`), (channel) => channel.variables['cc_member_uuid'] !== undefined);
  return { caller, member: member.uuid };
}

/** A loopback picker dials `<prefix><member>`; resolves once it is bridged to the member. */
async function pickerBridged(context: ReplayContext, number: string, prefix: string, member: string): Promise<string> {
  const picker = randomUUID();
  await context.send(originate(picker, number, `${prefix}${member}`, `Picker${number}`));
  await context.channelNamed(/^loopback\/8\d.*-b$/, (channel) => channel.bridgedTo === member);
  return picker;
}

async function each(context: ReplayContext, command: string, uuids: readonly string[], suffix = ''): Promise<void> {
  for (const uuid of uuids) await context.send(`api ${command} ${uuid}${suffix}`);
}

/** The end of 09/09b/09c/09f: snapshot, show, the picker killed (the member follows), uuid_exists of everything. */
async function hangUpPicker(context: ReplayContext, queue: string, picker: string, checked: readonly string[]): Promise<void> {
  await queueSnapshot(context, queue);
  await context.send('api show channels as json');
  await context.send('api show calls as json');
  await context.send(`api uuid_kill ${picker}`);
  await context.gone();
  await each(context, 'uuid_exists', checked);
  await queueSnapshot(context, queue);
}

/** The capture lab's steps while agents ring (09, 09b): look the legs up, intercept the member, check the legs ended. */
async function interceptWhileAgentsRing(context: ReplayContext, queue: string, legs: readonly string[], caller: string, member: string): Promise<void> {
  await queueSnapshot(context, queue);
  await context.send('api show channels as json');
  await each(context, 'uuid_getvar', legs, ' cc_member_session_uuid');
  const picker = await pickerBridged(context, '400', '86', member);
  for (const leg of legs) await context.gone(leg);
  await each(context, 'uuid_exists', legs);
  await queueSnapshot(context, queue);
  await each(context, 'uuid_kill', legs, ' PICKED_OFF');
  await hangUpPicker(context, queue, picker, [caller, member, ...legs]);
}

const SUPPORT = 'support@default';

const SCENARIOS: Scenario[] = [
  {
    title: '09 ring-all: 86<member> intercepts, the queue cancels every agent leg (ORIGINATOR_CANCEL)',
    stem: '09-callcenter-ring-all-intercept-member',
    formats: ['plain', 'json'],
    dialplan: LAB_DIALPLAN,
    simulator: { queues: [...LAB_QUEUES] },
    skipReplies: /^api callcenter_config /,
    async drive(context) {
      await queueSnapshot(context, SUPPORT);
      const { caller, member } = await enterQueue(context, '5000');
      const legs = [await agentLeg(context, '302'), await agentLeg(context, '300'), await agentLeg(context, '301')];
      await interceptWhileAgentsRing(context, SUPPORT, legs, caller, member);
    },
  },
  {
    title: '09b longest-idle-agent: 310 times out (ALLOTTED_TIMEOUT), 311 rings, 86<member> intercepts',
    stem: '09b-callcenter-longest-idle-intercept-member',
    formats: ['plain', 'json'],
    dialplan: LAB_DIALPLAN,
    simulator: { queues: [...LAB_QUEUES] },
    skipReplies: /^api callcenter_config /,
    async drive(context) {
      const sales = 'sales@default';
      await queueSnapshot(context, sales);
      const { caller, member } = await enterQueue(context, '5001');
      const legs = [await agentLeg(context, '310')];
      legs.push(await agentLeg(context, '311'));
      await interceptWhileAgentsRing(context, sales, legs, caller, member);
    },
  },
  {
    title: '09c agent legs killed PICKED_OFF: the queue offers the member again, then 86<member> intercepts',
    stem: '09c-callcenter-ring-all-kill-agents-then-intercept',
    formats: ['plain'],
    dialplan: LAB_DIALPLAN,
    simulator: { queues: [...LAB_QUEUES] },
    skipReplies: /^api callcenter_config |^api show channels/,
    async drive(context) {
      await queueSnapshot(context, SUPPORT);
      const { caller, member } = await enterQueue(context, '5000');
      const first = [await agentLeg(context, '301'), await agentLeg(context, '302'), await agentLeg(context, '300')];
      await queueSnapshot(context, SUPPORT);
      await context.send('api show channels as json');
      await each(context, 'uuid_getvar', first, ' cc_member_session_uuid');
      await each(context, 'uuid_kill', first, ' PICKED_OFF');
      await queueSnapshot(context, SUPPORT);
      const again = [await agentLeg(context, '302', first), await agentLeg(context, '300', first), await agentLeg(context, '301', first)];
      const picker = await pickerBridged(context, '400', '86', member);
      for (const leg of again) await context.gone(leg);
      await each(context, 'uuid_exists', [...first, ...again]);
      await queueSnapshot(context, SUPPORT);
      await each(context, 'uuid_kill', [...first, ...again], ' PICKED_OFF');
      await hangUpPicker(context, SUPPORT, picker, [caller, member, ...first, ...again]);
    },
  },
  {
    title: '09e agent answers and is bridged: 86<member> is refused, 89<member> steals it (agent PICKED_OFF)',
    stem: '09e-callcenter-member-bridged-to-agent-intercept',
    formats: ['plain'],
    dialplan: LAB_DIALPLAN,
    simulator: { queues: [...LAB_QUEUES] },
    skipReplies: /^api callcenter_config /,
    async drive(context) {
      const queue = 'answer@default';
      const { caller, member } = await enterQueue(context, '5002');
      const agent = await agentLeg(context, '320');
      await context.sim.answer(agent);
      await context.channelNamed(/^loopback\/5002-b$/, (channel) => channel.bridgedTo === agent);
      await queueSnapshot(context, queue);
      await context.send('api show calls as json');
      const refused = randomUUID();
      await context.send(originate(refused, '401', `86${member}`, 'Picker401'));
      await context.gone(refused);
      await context.send(`api uuid_exists ${refused}`);
      await context.send(`api uuid_getvar ${member} cc_agent_bridged`);
      await context.send('api show calls as json');
      const picker = await pickerBridged(context, '402', '89', member);
      await context.gone(agent);
      await queueSnapshot(context, queue);
      await context.send('api show calls as json');
      await context.send(`api uuid_kill ${picker}`);
      await context.gone();
      await each(context, 'uuid_exists', [caller, member]);
      await queueSnapshot(context, queue);
    },
  },
  {
    title: '09f hupall PICKED_OFF cc_member_session_uuid <member>, then 86<member> before the re-offer',
    stem: '09f-callcenter-ring-all-hupall-agents-then-intercept',
    formats: ['plain'],
    dialplan: LAB_DIALPLAN,
    simulator: { queues: [...LAB_QUEUES] },
    skipReplies: /^api callcenter_config /,
    async drive(context) {
      await queueSnapshot(context, SUPPORT);
      const { caller, member } = await enterQueue(context, '5000');
      const legs = [await agentLeg(context, '300'), await agentLeg(context, '301'), await agentLeg(context, '302')];
      await queueSnapshot(context, SUPPORT);
      await context.send('api show channels as json');
      await each(context, 'uuid_getvar', legs, ' cc_member_session_uuid');
      await context.send(`api hupall PICKED_OFF cc_member_session_uuid ${member}`);
      await queueSnapshot(context, SUPPORT);
      const picker = await pickerBridged(context, '400', '86', member);
      await each(context, 'uuid_exists', legs);
      await queueSnapshot(context, SUPPORT);
      await each(context, 'uuid_kill', legs, ' PICKED_OFF');
      await hangUpPicker(context, SUPPORT, picker, [caller, member, ...legs]);
    },
  },
];

describe.concurrent('capture replay: mod_callcenter', () => {
  for (const scenario of SCENARIOS) {
    for (const format of scenario.formats) {
      it(`${scenario.title} [${format}]`, async () => {
        const capture = recordOfCapture(scenario, format);
        expectSameAsCapture(await recordOfSimulator(scenario, format), capture);
      }, 30_000);
    }
  }
});
