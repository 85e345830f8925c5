/**
 * mod_callcenter's events as captured in 09–09f: CUSTOM `callcenter::info` (CC-Action …), its
 * PRESENCE_IN for the queue (proto callcenter) and the moh PLAYBACK_START/STOP on the member.
 * Header names, order and calling sites are the capture's.
 */
import type { Channel } from './channel.ts';
import type { CallingSite } from './sim-event.ts';
import type { SwitchCore } from './switch-core.ts';
import type { Header } from './wire.ts';

const SUBCLASS = 'callcenter::info';
const SYSTEM = 'single_box';

const SITE = {
  memberQueueStart: ['mod_callcenter.c', 'callcenter_function', 3113],
  memberQueueCancel: ['mod_callcenter.c', 'callcenter_function', 3274],
  membersCount: ['mod_callcenter.c', 'cc_queue_count', 878],
  presence: ['mod_callcenter.c', 'cc_send_presence', 3392],
  agentStateChange: ['mod_callcenter.c', 'cc_agent_update', 1067],
  agentOffering: ['mod_callcenter.c', 'outbound_agent_thread_run', 1717],
  bridgeAgentStart: ['mod_callcenter.c', 'outbound_agent_thread_run', 1934],
  bridgeAgentEnd: ['mod_callcenter.c', 'outbound_agent_thread_run', 2062],
  memberQueueTerminated: ['mod_callcenter.c', 'outbound_agent_thread_run', 2098],
  bridgeAgentFail: ['mod_callcenter.c', 'outbound_agent_thread_run', 2200],
} as const satisfies Record<string, CallingSite>;

/** What the events say about a queue member (a waiting caller). */
export interface MemberFacts {
  readonly queue: string;
  /** cc_member_uuid: the queue-member row, not the channel. */
  readonly memberUuid: string;
  readonly channel: Channel;
  readonly joinedSec: number;
  readonly cidName: string;
  readonly cidNumber: string;
}

/** What the events say about one agent leg. */
export interface AgentCallFacts {
  readonly agent: string;
  readonly leg: Channel;
  readonly calledSec: number;
  readonly answeredSec?: number;
}

/** Whole seconds since the epoch, as mod_callcenter stamps its times. */
export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function memberHeaders(member: MemberFacts, cid: { name: string; number: string } = { name: member.cidName, number: member.cidNumber }): Header[] {
  return [
    ['CC-Member-UUID', member.memberUuid],
    ['CC-Member-Session-UUID', member.channel.uuid],
    ['CC-Member-CID-Name', cid.name],
    ['CC-Member-CID-Number', cid.number],
  ];
}

function agentCallHeaders(call: AgentCallFacts): Header[] {
  return [
    ['CC-Agent', call.agent],
    ['CC-Agent-System', SYSTEM],
    ['CC-Agent-UUID', call.leg.uuid],
  ];
}

function answeredTimes(call: AgentCallFacts): Header[] {
  return [['CC-Agent-Called-Time', String(call.calledSec)], ['CC-Agent-Answered-Time', String(call.answeredSec ?? 0)]];
}

/** The mod_callcenter event stream of one switch. */
export class CallCenterEvents {
  constructor(private readonly core: SwitchCore) {}

  memberQueueStart(member: MemberFacts): void {
    this.withChannel(SITE.memberQueueStart, member.channel, [['CC-Queue', member.queue], ['CC-Action', 'member-queue-start'], ...memberHeaders(member)]);
  }

  /** The member left the queue without an agent (an intercept broke its moh: BREAK_OUT); `cid` is its caller id now. */
  memberQueueCancelled(member: MemberFacts, cid: { name: string; number: string }): void {
    this.withChannel(SITE.memberQueueCancel, member.channel, [
      ['CC-Queue', member.queue],
      ['CC-Action', 'member-queue-end'],
      ['CC-Member-Leaving-Time', String(epochSeconds())],
      ['CC-Member-Joined-Time', String(member.joinedSec)],
      ['CC-Cause', 'Cancel'],
      ['CC-Cancel-Reason', 'BREAK_OUT'],
      ...memberHeaders(member, cid),
    ]);
  }

  /** The member's call with an agent ended (09e: even when the agent leg was PICKED_OFF). */
  memberQueueTerminated(member: MemberFacts, call: AgentCallFacts): void {
    this.withChannel(SITE.memberQueueTerminated, member.channel, [
      ['CC-Queue', member.queue],
      ['CC-Action', 'member-queue-end'],
      ['CC-Hangup-Cause', 'SUCCESS'],
      ['CC-Cause', 'Terminated'],
      ...agentCallHeaders(call),
      ...answeredTimes(call),
      ['CC-Member-Leaving-Time', String(epochSeconds())],
      ['CC-Member-Joined-Time', String(member.joinedSec)],
      ...memberHeaders(member),
    ]);
  }

  membersCount(queue: string, count: number): void {
    this.plain(SITE.membersCount, [['CC-Queue', queue], ['CC-Action', 'members-count'], ['CC-Count', String(count)], ['CC-Selection', 'Single-Queue']]);
  }

  /** The queue's presence: confirmed while members wait, terminated when none does. */
  queuePresence(queue: string, waiting: number): void {
    this.core.fire(
      this.core.options.stamper.create('PRESENCE_IN', SITE.presence, [
        ['proto', 'callcenter'],
        ['login', queue],
        ['from', queue],
        ['force-status', waiting > 0 ? `Active (${waiting} waiting)` : 'Idle'],
        ['rpid', 'unknown'],
        ['event_type', 'presence'],
        ['alt_event_type', 'dialog'],
        ['event_count', '0'],
        ['channel-state', waiting > 0 ? 'CS_ROUTING' : 'CS_HANGUP'],
        ['unique-id', queue],
        ['answer-state', waiting > 0 ? 'confirmed' : 'terminated'],
        ['presence-call-direction', 'inbound'],
      ]),
    );
  }

  agentStateChange(agent: string, state: string): void {
    this.plain(SITE.agentStateChange, [['CC-Agent', agent], ['CC-Action', 'agent-state-change'], ['CC-Agent-State', state]]);
  }

  agentOffering(member: MemberFacts, agent: string): void {
    this.plain(SITE.agentOffering, [
      ['CC-Queue', member.queue],
      ['CC-Action', 'agent-offering'],
      ['CC-Agent', agent],
      ['CC-Agent-Type', 'callback'],
      ['CC-Agent-System', SYSTEM],
      ...memberHeaders(member),
    ]);
  }

  bridgeAgentStart(member: MemberFacts, call: AgentCallFacts): void {
    this.withChannel(SITE.bridgeAgentStart, call.leg, [
      ['CC-Queue', member.queue],
      ['CC-Action', 'bridge-agent-start'],
      ...agentCallHeaders(call),
      ...answeredTimes(call),
      ['CC-Member-Joined-Time', String(member.joinedSec)],
      ...memberHeaders(member),
    ]);
  }

  bridgeAgentEnd(member: MemberFacts, call: AgentCallFacts): void {
    this.withChannel(SITE.bridgeAgentEnd, call.leg, [
      ['CC-Queue', member.queue],
      ['CC-Action', 'bridge-agent-end'],
      ['CC-Hangup-Cause', 'SUCCESS'],
      ...agentCallHeaders(call),
      ['CC-Agent-Bridged', 'true'],
      ...answeredTimes(call),
      ['CC-Member-Joined-Time', String(member.joinedSec)],
      ['CC-Bridge-Terminated-Time', String(epochSeconds())],
      ...memberHeaders(member),
    ]);
  }

  /** An agent leg ended unanswered; `cause` is its hangup cause. */
  bridgeAgentFail(member: MemberFacts, call: AgentCallFacts, cause: string): void {
    this.plain(SITE.bridgeAgentFail, [
      ['CC-Queue', member.queue],
      ['CC-Action', 'bridge-agent-fail'],
      ['CC-Hangup-Cause', cause],
      ['CC-Agent', call.agent],
      ['CC-Agent-System', SYSTEM],
      ['CC-Agent-Called-Time', String(call.calledSec)],
      ['CC-Agent-Aborted-Time', String(epochSeconds())],
      ...memberHeaders(member),
      ['CC-Member-Joined-Time', String(member.joinedSec)],
    ]);
  }

  /** The moh starts (PLAYBACK_START) or is broken off (PLAYBACK_STOP, `Playback-Status: done`). */
  moh(channel: Channel, sound: string, playing: boolean): void {
    const file: Header[] = [['Playback-File-Type', sound.split('://')[0] ?? sound], ['Playback-File-Path', sound]];
    this.core.fireChannel(playing ? 'PLAYBACK_START' : 'PLAYBACK_STOP', channel, [], playing ? file : [...file, ['Playback-Status', 'done']]);
  }

  private plain(site: CallingSite, headers: readonly Header[]): void {
    this.core.fire(this.core.options.stamper.createCustom(SUBCLASS, site, headers));
  }

  private withChannel(site: CallingSite, channel: Channel, headers: readonly Header[]): void {
    this.core.fireCustomWithChannel(SUBCLASS, site, channel, headers);
  }
}
