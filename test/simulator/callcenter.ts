/**
 * mod_callcenter, as captured in 09–09f: the `callcenter <queue>` application answers the member,
 * plays moh and offers it to callback agents whose legs are originated without a session (no
 * Other-Leg, no signal_bond; only `cc_*` variables link them to the member). ring-all rings every
 * ready agent, longest-idle-agent / top-down one at a time. An agent leg that ends unanswered (not
 * cancelled by the queue) makes its agent sleep no-answer-delay (whole epoch seconds) before the
 * next offer; `leg_timeout` ends a leg ALLOTTED_TIMEOUT. An answering agent is uuid_bridged to the
 * member. When something else takes the member out of the app (intercept), the queue cancels its
 * ringing agent legs (ORIGINATOR_CANCEL) and never offers it again.
 */
import { randomUUID } from 'node:crypto';
import type { Application } from './applications.ts';
import { uuidBridge } from './bridging.ts';
import { CallCenterEvents, epochSeconds, type AgentCallFacts, type MemberFacts } from './callcenter-events.ts';
import type { Channel } from './channel.ts';
import { dialLeg, ringLater } from './dial-leg.ts';
import { parseDialString } from './dial-string.ts';
import type { SwitchCore } from './switch-core.ts';

/** How a queue picks agents. */
export type QueueStrategy = 'ring-all' | 'longest-idle-agent' | 'top-down';

/** A callback agent of a queue, in tier position order. */
export interface CallCenterAgent {
  /** `300@pbx.test` */
  readonly name: string;
  /** Dial string of the agent's phone: `[leg_timeout=8]user/300@pbx.test`, `sofia/internal/sip:…`. */
  readonly contact: string;
  /** no-answer-delay-time (default 2 s, as in the capture lab). */
  readonly noAnswerDelaySec?: number;
}

/** A queue (`support@pbx.test`) with its agents. */
export interface CallCenterQueue {
  readonly name: string;
  readonly strategy: QueueStrategy;
  readonly agents: readonly CallCenterAgent[];
  /** moh-sound (default the lab's `tone_stream://%(1000,4000,440);loops=-1`). */
  readonly mohSound?: string;
}

const DEFAULT_MOH = 'tone_stream://%(1000,4000,440);loops=-1';
const DEFAULT_NO_ANSWER_DELAY_SEC = 2;
// Causes that are the queue's own doing, not the agent's: no no-answer delay follows them.
const QUEUE_CAUSES = new Set(['ORIGINATOR_CANCEL', 'LOSE_RACE']);

interface AgentStatus {
  state: 'Waiting' | 'Receiving' | 'In a queue call';
  readyAtSec: number;
  lastOfferedMs: number;
}

interface Member extends MemberFacts {
  readonly config: CallCenterQueue;
  /** Ringing agent legs. */
  readonly legs: Set<Channel>;
  state: 'waiting' | 'with-agent' | 'gone';
}

/** One switch's mod_callcenter: agent states and queue members (a restart forgets them). */
export class CallCenter {
  private readonly agents = new Map<string, AgentStatus>();
  private readonly members: Member[] = [];
  private readonly events: CallCenterEvents;

  constructor(private readonly core: SwitchCore) {
    this.events = new CallCenterEvents(core);
  }

  /** The `callcenter` app's body: join, wait with moh while agents are offered, leave. */
  async serve(channel: Channel, queueName: string): Promise<void> {
    const config = this.core.options.queues.get(queueName);
    if (!config) return;
    this.core.answer(channel);
    const member = this.join(channel, config);
    const moh = config.mohSound ?? DEFAULT_MOH;
    this.events.moh(channel, moh, true);
    while (channel.alive && !channel.interrupted && member.state === 'waiting') {
      this.offer(member);
      await this.core.idle(channel);
    }
    this.events.moh(channel, moh, false);
    this.leave(member);
  }

  private join(channel: Channel, config: CallCenterQueue): Member {
    const member: Member = {
      config,
      queue: config.name,
      memberUuid: randomUUID(),
      channel,
      joinedSec: epochSeconds(),
      cidName: channel.profile.callerIdName,
      cidNumber: channel.profile.callerIdNumber,
      legs: new Set(),
      state: 'waiting',
    };
    channel.variables.set('cc_side', 'member');
    channel.variables.set('cc_member_uuid', member.memberUuid);
    channel.variables.set('cc_queue_joined_epoch', String(member.joinedSec));
    channel.variables.set('cc_queue', config.name);
    this.members.push(member);
    this.events.memberQueueStart(member);
    this.reportCount(config.name);
    return member;
  }

  private leave(member: Member): void {
    const { channel } = member;
    if (member.state === 'waiting') {
      member.state = 'gone';
      for (const leg of member.legs) this.core.hangup(leg, 'ORIGINATOR_CANCEL');
      channel.variables.set('cc_cause', 'cancel');
      channel.variables.set('cc_cancel_reason', 'BREAK_OUT');
      channel.variables.set('cc_queue_canceled_epoch', String(epochSeconds()));
      // By now the member's caller id is its new partner's (09: the picker's).
      const partner = channel.other?.channel.profile ?? channel.profile;
      this.events.memberQueueCancelled(member, { name: partner.callerIdName, number: partner.callerIdNumber });
      this.members.splice(this.members.indexOf(member), 1);
    }
    this.reportCount(member.queue);
  }

  private reportCount(queue: string): void {
    const members = this.members.filter((member) => member.queue === queue);
    this.events.membersCount(queue, members.length);
    this.events.queuePresence(queue, members.filter((member) => member.state === 'waiting').length);
  }

  /** Offers the member to the agents its strategy wants now (ring-all: every ready one; else one at a time). */
  private offer(member: Member): void {
    const ready = member.config.agents.filter((agent) => this.isReady(agent.name));
    if (member.config.strategy === 'ring-all') {
      for (const agent of ready) void this.callAgent(member, agent);
      return;
    }
    if (member.legs.size > 0 || ready.length === 0) return;
    const pick = member.config.strategy === 'longest-idle-agent'
      ? [...ready].sort((a, b) => this.status(a.name).lastOfferedMs - this.status(b.name).lastOfferedMs)[0]!
      : ready[0]!;
    void this.callAgent(member, pick);
  }

  private isReady(agent: string): boolean {
    const status = this.status(agent);
    return status.state === 'Waiting' && status.readyAtSec <= epochSeconds();
  }

  private status(agent: string): AgentStatus {
    let status = this.agents.get(agent);
    if (!status) this.agents.set(agent, (status = { state: 'Waiting', readyAtSec: 0, lastOfferedMs: 0 }));
    return status;
  }

  private setState(agent: string, state: AgentStatus['state']): void {
    this.status(agent).state = state;
    this.events.agentStateChange(agent, state);
  }

  /** One agent's offer (mod_callcenter's outbound_agent_thread): ring, then bridge or fail. */
  private async callAgent(member: Member, agent: CallCenterAgent): Promise<void> {
    this.setState(agent.name, 'Receiving');
    this.status(agent.name).lastOfferedMs = Date.now();
    this.events.agentOffering(member, agent.name);
    const leg = this.originate(member, agent);
    if (!leg) {
      this.setState(agent.name, 'Waiting');
      return;
    }
    const call: AgentCallFacts = { agent: agent.name, leg, calledSec: epochSeconds() };
    member.legs.add(leg);
    ringLater(this.core, leg);
    const legTimeoutSec = Number(leg.variables.get('leg_timeout') ?? 0);
    const timer = legTimeoutSec > 0 ? setTimeout(() => this.core.hangup(leg, 'ALLOTTED_TIMEOUT'), legTimeoutSec * 1000) : undefined;
    while (leg.alive && !leg.answered) await leg.wakeup.wait(this.core.options.parkTickMs);
    clearTimeout(timer);
    member.legs.delete(leg);
    if (leg.alive && member.state === 'waiting' && member.channel.alive && !member.channel.interrupted) {
      await this.connect(member, { ...call, answeredSec: epochSeconds() });
      return;
    }
    if (leg.alive) this.core.hangup(leg, 'ORIGINATOR_CANCEL');
    const cause = leg.hangupCause ?? 'ORIGINATOR_CANCEL';
    this.events.bridgeAgentFail(member, call, cause);
    if (!QUEUE_CAUSES.has(cause)) this.status(agent.name).readyAtSec = epochSeconds() + (agent.noAnswerDelaySec ?? DEFAULT_NO_ANSWER_DELAY_SEC);
    this.setState(agent.name, 'Waiting');
  }

  private originate(member: Member, agent: CallCenterAgent): Channel | undefined {
    const dial = parseDialString(agent.contact);
    const target = dial.legs[0];
    if (!target) return undefined;
    const origin = { callerIdName: member.cidName, callerIdNumber: member.cidNumber, context: 'default' };
    // One agent contact is one phone (a user/ contact whose directory dial-string lists several is not modelled).
    return dialLeg(this.core, origin, target, {
      ...dial.globals,
      cc_queue: member.queue,
      cc_queue_joined_epoch: String(member.joinedSec),
      cc_member_uuid: member.memberUuid,
      cc_member_session_uuid: member.channel.uuid,
      cc_member_pre_answer_uuid: member.memberUuid,
      cc_agent: agent.name,
      cc_agent_type: 'callback',
      cc_side: 'agent',
      ignore_early_media: 'true',
      origination_caller_id_name: member.cidName,
      origination_caller_id_number: member.cidNumber,
    })[0];
  }

  /** The agent answered: the member is uuid_bridged to it (09e); the queue reports the end of that call. */
  private async connect(member: Member, call: AgentCallFacts): Promise<void> {
    const { leg } = call;
    member.state = 'with-agent';
    this.events.bridgeAgentStart(member, call);
    for (const other of member.legs) this.core.hangup(other, 'LOSE_RACE');
    member.channel.variables.set('cc_agent', call.agent);
    member.channel.variables.set('cc_agent_bridged', 'true');
    uuidBridge(this.core, member.channel, leg);
    while (leg.alive && member.channel.bridge?.peer !== leg) await leg.wakeup.wait(this.core.options.parkTickMs);
    if (leg.alive) this.setState(call.agent, 'In a queue call');
    while (leg.alive) await leg.wakeup.wait(this.core.options.parkTickMs);
    this.events.bridgeAgentEnd(member, call);
    this.events.memberQueueTerminated(member, call);
    this.members.splice(this.members.indexOf(member), 1);
    member.state = 'gone';
    this.setState(call.agent, 'Waiting');
  }
}

/** `callcenter <queue>` (mod_callcenter). */
export const callcenterApplication: Application = {
  needsMedia: true,
  run({ core, channel, running }) {
    return core.callcenter.serve(channel, running.arg.trim());
  },
};
