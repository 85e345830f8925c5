/**
 * `enqueueMember`, the test-facing way into mod_callcenter: how its agent legs look (capture 09's
 * facts with `user/` contacts), the strategies, the intercept of a waiting member, and the refusal
 * of intercept_unbridged_only once an agent answered (09e).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedEvent } from './capture-reader.ts';
import type { ChannelSnapshot } from './channel.ts';
import { poll } from './replay-harness.ts';
import { FreeSwitchSimulator, type EnqueueMemberOptions } from './simulator.ts';
import { EslTestClient } from './test-client.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(): Promise<{ sim: FreeSwitchSimulator; client: EslTestClient }> {
  // The picker parks and a controller drives it over the inbound socket (run 4's way).
  const sim = new FreeSwitchSimulator({ parkTickMs: 2, dialplan: [{ name: 'park-picker', expression: /^88/, actions: [['park']] }] });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  const client = await EslTestClient.subscribed(port, 'plain ALL');
  cleanups.push(() => client.close());
  return { sim, client };
}

const agents = (...extensions: string[]): EnqueueMemberOptions['agents'] => extensions.map((extension) => ({ name: `${extension}@pbx.test`, extension }));

function agentLegs(sim: FreeSwitchSimulator, member: string): ChannelSnapshot[] {
  return sim.liveChannels().filter((channel) => channel.variables['cc_member_session_uuid'] === member);
}

function ringingAgentLegs(sim: FreeSwitchSimulator, member: string, count: number): Promise<ChannelSnapshot[]> {
  return poll(() => {
    const legs = agentLegs(sim, member).filter((leg) => leg.callState === 'RINGING');
    return legs.length === count ? legs : undefined;
  }, `${count} ringing agent legs`);
}

/** The picker (user 100) parks, then a controller runs `set intercept_unbridged_only=true` + `intercept <member>` on it. */
async function interceptUnbridgedOnly(sim: FreeSwitchSimulator, client: EslTestClient, member: string): Promise<string> {
  const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88support' });
  await sim.waitForChannel(picker, (channel) => channel.parked);
  for (const [app, arg] of [['set', 'intercept_unbridged_only=true'], ['intercept', member]] as const) {
    await client.command(`sendmsg ${picker}\ncall-command: execute\nexecute-app-name: ${app}\nexecute-app-arg: ${arg}`);
  }
  return picker;
}

function ccActions(events: readonly DecodedEvent[]): string[] {
  return events.filter((event) => event.get('Event-Subclass') === 'callcenter::info').map((event) => `${event.get('CC-Action')} ${event.get('CC-Agent') ?? ''}`.trim());
}

describe('enqueueMember', () => {
  it('answers the member and rings every agent (ring-all) on legs linked only by cc_* variables', async () => {
    const { sim, client } = await start();
    const { memberUuid } = await sim.enqueueMember({ queue: 'support@pbx.test', strategy: 'ring-all', agents: agents('300', '301') });
    expect(sim.channel(memberUuid)).toMatchObject({ answerState: 'answered', callState: 'ACTIVE' });
    const legs = await ringingAgentLegs(sim, memberUuid, 2);
    const memberRow = legs[0]!.variables['cc_member_uuid'];
    expect(memberRow).not.toBe(memberUuid);
    for (const leg of legs) {
      expect(leg.otherLegUuid).toBeUndefined();
      expect(leg.variables['signal_bond']).toBeUndefined();
      expect(leg.variables).toMatchObject({
        cc_member_uuid: memberRow,
        cc_member_pre_answer_uuid: memberRow,
        cc_queue: 'support@pbx.test',
        cc_agent_type: 'callback',
        cc_side: 'agent',
        dialed_domain: 'pbx.test',
      });
    }
    expect(legs.map((leg) => [leg.variables['cc_agent'], leg.variables['dialed_user']]).sort()).toEqual([['300@pbx.test', '300'], ['301@pbx.test', '301']]);
    const joined = await client.waitForEvent((event) => event.get('CC-Action') === 'member-queue-start', 'member-queue-start');
    expect(joined.get('CC-Member-Session-UUID')).toBe(memberUuid);
  });

  it('an intercept of the waiting member: agent legs cancelled by the queue, BREAK_OUT, no new offer', async () => {
    const { sim, client } = await start();
    const { memberUuid } = await sim.enqueueMember({ queue: 'support@pbx.test', strategy: 'ring-all', agents: agents('300', '301') });
    const legs = await ringingAgentLegs(sim, memberUuid, 2);
    const picker = await interceptUnbridgedOnly(sim, client, memberUuid);
    await sim.waitForChannel(picker, (channel) => channel.bridgedTo === memberUuid);
    for (const leg of legs) expect((await sim.waitForChannel(leg.uuid, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('ORIGINATOR_CANCEL');
    const end = await client.waitForEvent((event) => event.get('CC-Action') === 'member-queue-end', 'member-queue-end');
    expect([end.get('CC-Cause'), end.get('CC-Cancel-Reason'), end.get('CC-Member-CID-Number')]).toEqual(['Cancel', 'BREAK_OUT', '100']);
    for (const agent of ['300@pbx.test', '301@pbx.test']) {
      await client.waitForEvent((event) => event.get('CC-Action') === 'agent-state-change' && event.get('CC-Agent') === agent && event.get('CC-Agent-State') === 'Waiting', `${agent} waiting`);
    }
    const fails = client.events.filter((event) => event.get('CC-Action') === 'bridge-agent-fail');
    expect(fails.map((event) => event.get('CC-Hangup-Cause'))).toEqual(['ORIGINATOR_CANCEL', 'ORIGINATOR_CANCEL']);
    // A cancel is no no-answer: were the queue to offer again, it would do so on its next ticks.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(agentLegs(sim, memberUuid)).toEqual([]);
  });

  it('top-down rings one agent at a time; a leg timeout (ALLOTTED_TIMEOUT) passes the member on to the next', async () => {
    const { sim, client } = await start();
    const { memberUuid } = await sim.enqueueMember({
      queue: 'sales@pbx.test',
      strategy: 'top-down',
      agents: [{ name: '310@pbx.test', extension: '310', legTimeoutSec: 1 }, { name: '311@pbx.test', extension: '311', legTimeoutSec: 1 }],
    });
    const [first] = await ringingAgentLegs(sim, memberUuid, 1);
    expect(first!.variables['cc_agent']).toBe('310@pbx.test');
    expect((await sim.waitForChannel(first!.uuid, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('ALLOTTED_TIMEOUT');
    const [second] = await ringingAgentLegs(sim, memberUuid, 1);
    expect(second!.variables['cc_agent']).toBe('311@pbx.test');
    expect(ccActions(client.events)).toEqual([
      'member-queue-start',
      'members-count',
      'agent-state-change 310@pbx.test',
      'agent-offering 310@pbx.test',
      'bridge-agent-fail 310@pbx.test',
      'agent-state-change 310@pbx.test',
      'agent-state-change 311@pbx.test',
      'agent-offering 311@pbx.test',
    ]);
  });

  it('an answering agent is bridged to the member; intercept_unbridged_only then refuses', async () => {
    const { sim, client } = await start();
    const { memberUuid } = await sim.enqueueMember({ queue: 'answer@pbx.test', strategy: 'longest-idle-agent', agents: agents('320') });
    const [agent] = await ringingAgentLegs(sim, memberUuid, 1);
    await sim.answer(agent!.uuid);
    await sim.waitForChannel(memberUuid, (channel) => channel.bridgedTo === agent!.uuid);
    await client.waitForEvent((event) => event.get('CC-Action') === 'bridge-agent-start', 'bridge-agent-start');
    const picker = await interceptUnbridgedOnly(sim, client, memberUuid);
    await client.waitForEvent((event) => event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE' && event.get('Unique-ID') === picker && event.get('Application') === 'intercept', 'the refused intercept');
    expect(sim.channel(picker)!.bridgedTo).toBeUndefined();
    expect(sim.channel(memberUuid)!.bridgedTo).toBe(agent!.uuid);
  });
});
