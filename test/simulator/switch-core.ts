/**
 * The simulated switch: live channels, the channel state machine and the events it fires, the
 * per-channel execution thread (dialplan program, sendmsg queue, park tick) and transfers.
 * Bridges are in bridging.ts. Event orders per leg follow the captures in test/fixtures/freeswitch-captures.
 */
import { randomUUID } from 'node:crypto';
import { apiEvent, runHash } from './api-commands.ts';
import { Applications } from './applications.ts';
import { runUuidBridge } from './bridging.ts';
import { CallCenter, type CallCenterQueue } from './callcenter.ts';
import {
  CALL_STATE_NUMBERS,
  applicationHeaders,
  channelHeaders,
  type AppCall,
  type CallState,
  type Channel,
  type ChannelStateName,
  type QueuedMessage,
  type RunningApp,
} from './channel.ts';
import type { ClusterProfile } from './cluster-profile.ts';
import type { ReceivedCommand } from './command-reader.ts';
import { routeCall, type Dialplan } from './dialplan.ts';
import type { Directory } from './directory.ts';
import { expandText } from './expansion.ts';
import { q850Of } from './hangup-causes.ts';
import { offerNegotiates } from './media-negotiation.ts';
import { Scheduler } from './scheduler.ts';
import type { SipMessaging } from './sip-messaging.ts';
import { nowMicros, type CallingSite, type EventStamper, type SimEvent } from './sim-event.ts';
import { sleep, type Timing } from './timing.ts';
import type { Header } from './wire.ts';

/** What the core needs from the simulator around it. */
export interface CoreOptions {
  readonly stamper: EventStamper;
  readonly publish: (event: SimEvent) => void;
  /** How often a parked (or otherwise idle) channel reads its message queue. */
  readonly parkTickMs: number;
  /** Delay before a called phone sends 180 Ringing. */
  readonly ringDelayMs: number;
  readonly dialplan: Dialplan;
  readonly directory: Directory;
  /** The node's SIP profile `cluster`: where `sofia/cluster/…` legs go out and token legs come in. */
  readonly cluster: ClusterProfile;
  /** mod_callcenter's queues by name (configuration; it outlives a restart). */
  readonly queues: ReadonlyMap<string, CallCenterQueue>;
  /** Registrations and delivered MESSAGEs (`api chat`). */
  readonly messaging: SipMessaging;
  /** Global variables (`$${name}`, `global_setvar`); configuration, so they outlive a restart. */
  readonly globals: Map<string, string>;
  readonly timing: Timing;
  /** Fire FreeSWITCH's own PRESENCE_IN for channels with a presence_id (SimulatorOptions.channelPresence). */
  readonly channelPresence: boolean;
  /** Outbound sessions of the `socket` application. */
  readonly sockets: OutboundSocketSettings;
  /**
   * Test hook for FreeSWITCH's intercept race (capture 18): true when this intercept's target loses the race —
   * its failing `bridge` is handled before the intercept marks it as transferred.
   */
  readonly interceptRace: (targetUuid: string) => boolean;
}

/** What the `socket` application needs from the simulator. */
export interface OutboundSocketSettings {
  /** How long FreeSWITCH waits for a controller's first command (25 s, hard-coded in mod_event_socket). */
  readonly firstCommandTimeoutMs: number;
  /** A connection id for a new session (shared with inbound connections). */
  nextConnectionId(): number;
  /** Every command a controller sends on a session is recorded here. */
  record(command: ReceivedCommand): void;
  /** Runs (and is awaited) before a session handles a command: tests stage what happens "meanwhile". */
  beforeCommand(command: ReceivedCommand): Promise<void> | void;
}

// Where FreeSWITCH fires each channel event (Event-Calling-*), as seen in the captures.
const SITES: Readonly<Record<string, CallingSite>> = {
  CHANNEL_UUID: ['switch_core_session.c', 'switch_core_session_set_uuid', 2056],
  CHANNEL_OUTGOING: ['switch_core_session.c', 'switch_core_session_outgoing_channel', 768],
  CHANNEL_STATE: ['switch_channel.c', 'switch_channel_perform_set_running_state', 2409],
  CHANNEL_CREATE: ['switch_core_state_machine.c', 'switch_core_session_run', 626],
  CHANNEL_ORIGINATE: ['switch_core_state_machine.c', 'switch_core_session_run', 632],
  CHANNEL_CALLSTATE: ['switch_channel.c', 'switch_channel_perform_set_callstate', 302],
  CHANNEL_EXECUTE: ['switch_core_session.c', 'switch_core_session_exec', 2949],
  CHANNEL_EXECUTE_COMPLETE: ['switch_core_session.c', 'switch_core_session_exec', 2972],
  CHANNEL_PROGRESS: ['switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', 3507],
  CHANNEL_PROGRESS_MEDIA: ['switch_channel.c', 'switch_channel_perform_mark_pre_answered', 3562],
  CHANNEL_ANSWER: ['switch_channel.c', 'switch_channel_perform_mark_answered', 3848],
  CHANNEL_HANGUP: ['switch_channel.c', 'switch_channel_perform_hangup', 3447],
  CHANNEL_HANGUP_COMPLETE: ['switch_core_state_machine.c', 'switch_core_session_reporting_state', 943],
  CHANNEL_DESTROY: ['switch_core_session.c', 'switch_core_session_perform_destroy', 1588],
  CHANNEL_PARK: ['switch_ivr.c', 'switch_ivr_park', 1002],
  CHANNEL_UNPARK: ['switch_ivr.c', 'switch_ivr_park', 1213],
  CHANNEL_BRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1689],
  CHANNEL_UNBRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', 1879],
  PLAYBACK_START: ['switch_ivr_play_say.c', 'switch_ivr_play_file', 1649],
  PLAYBACK_STOP: ['switch_ivr_play_say.c', 'switch_ivr_play_file', 2023],
};

// These three carry the channel block but no variable_* headers (README "Only some events carry variables").
const WITHOUT_VARIABLES = new Set(['CHANNEL_STATE', 'CHANNEL_CALLSTATE', 'CHANNEL_OUTGOING']);

/** The switch. One instance per simulated FreeSWITCH process lifetime (a restart makes a new one). */
export class SwitchCore {
  private readonly live = new Map<string, Channel>();
  private readonly known = new Map<string, Channel>();
  private readonly hashRealms = new Map<string, Map<string, string>>();
  private readonly apps = new Applications();
  private readonly taps = new Set<(event: SimEvent) => void>();
  private readonly haltHandlers = new Set<() => void>();
  private halted = false;
  private sessionCounter = 0;
  readonly startedAt = Date.now();
  /** mod_callcenter's members and agent states. */
  readonly callcenter = new CallCenter(this);
  /** sched_hangup's tasks. */
  readonly scheduler = new Scheduler();

  constructor(readonly options: CoreOptions) {}

  // ---- registry -------------------------------------------------------------------------------

  /** Adds a new channel (ids are global per process). */
  register(channel: Channel): void {
    this.live.set(channel.uuid, channel);
    this.known.set(channel.uuid, channel);
    channel.variables.set('session_id', String(++this.sessionCounter));
  }

  /** A live channel. */
  find(uuid: string): Channel | undefined {
    return this.live.get(uuid);
  }

  /** A live or ended channel of this process. */
  findAny(uuid: string): Channel | undefined {
    return this.known.get(uuid);
  }

  /** Live channels in creation order. */
  liveChannels(): Channel[] {
    return [...this.live.values()];
  }

  /** Sessions created since start-up. */
  get sessionsSinceStartup(): number {
    return this.sessionCounter;
  }

  /** The `hash` application's realms (insert/delete) and the `hash select` api read these. */
  hashRealm(realm: string): Map<string, string> {
    let entries = this.hashRealms.get(realm);
    if (!entries) this.hashRealms.set(realm, (entries = new Map()));
    return entries;
  }

  /** Runs `handler` when the process halts (outbound sessions drop their sockets); returns the way to stop. */
  whenHalted(handler: () => void): () => void {
    this.haltHandlers.add(handler);
    return () => this.haltHandlers.delete(handler);
  }

  /** A restart: every channel is gone without a single event, every thread stops. */
  halt(): void {
    this.halted = true;
    this.scheduler.halt();
    for (const handler of [...this.haltHandlers]) handler();
    for (const channel of this.live.values()) {
      channel.hangupCause = 'SYSTEM_SHUTDOWN';
      channel.wakeup.wake();
    }
    this.live.clear();
  }

  // ---- events ---------------------------------------------------------------------------------

  /** Fires a non-channel event (unless the process was halted). */
  fire(event: SimEvent): void {
    if (!this.halted) this.emit(event);
  }

  /** Also gives every fired event to `listener` (outbound sessions); returns the way to stop. */
  tap(listener: (event: SimEvent) => void): () => void {
    this.taps.add(listener);
    return () => this.taps.delete(listener);
  }

  private emit(event: SimEvent): void {
    this.options.publish(event);
    for (const listener of this.taps) listener(event);
  }

  /** Fires a channel event: core headers, `before`, the channel block, `after`. */
  fireChannel(name: string, channel: Channel, before: readonly Header[] = [], after: readonly Header[] = []): void {
    if (this.halted) return;
    const site = SITES[name] ?? ['switch_channel.c', 'switch_channel_event_set_data', 0];
    const headers = [
      ...this.options.stamper.coreHeaders(name, site),
      ...before,
      ...channelHeaders(channel, !WITHOUT_VARIABLES.has(name)),
      ...after,
    ];
    this.emit({ name, headers });
  }

  /** Fires a module's CUSTOM event that carries a channel's data (with variables), then its own headers. */
  fireCustomWithChannel(subclass: string, site: CallingSite, channel: Channel, after: readonly Header[]): void {
    if (this.halted) return;
    this.emit(this.options.stamper.createCustom(subclass, site, [...channelHeaders(channel, true), ...after]));
  }

  // ---- state machine --------------------------------------------------------------------------

  /** Sets the running state and fires CHANNEL_STATE. */
  setState(channel: Channel, state: ChannelStateName): void {
    channel.state = state;
    this.fireChannel('CHANNEL_STATE', channel);
    if (state === 'CS_ROUTING' || state === 'CS_HANGUP') this.firePresence(channel, state);
  }

  /**
   * switch_channel_presence for a channel with a presence_id (capture 11: the ringing leg's at CS_ROUTING and at
   * CS_HANGUP, 07b: the caller's `answered`): proto any, the channel's block, `from` = presence_id.
   */
  private firePresence(channel: Channel, status: string): void {
    const presenceId = channel.variables.get('presence_id');
    if (!this.options.channelPresence || presenceId === undefined || this.halted) return;
    const hangup = status === 'CS_HANGUP';
    this.emit({
      name: 'PRESENCE_IN',
      headers: [
        ...this.options.stamper.coreHeaders('PRESENCE_IN', ['switch_channel.c', 'switch_channel_perform_presence', 806]),
        ...channelHeaders(channel, false),
        ['proto', 'any'],
        ['login', 'src/switch_channel.c'],
        ['from', presenceId],
        ['rpid', 'unknown'],
        ['status', status],
        ['event_type', 'presence'],
        ['alt_event_type', 'dialog'],
        ['presence-call-info-state', hangup ? 'idle' : channel.answered ? 'active' : 'progressing'],
        ['presence-call-direction', channel.direction],
        ['event_count', hangup ? '1' : '0'],
      ],
    });
  }

  /** Sets the call state and fires CHANNEL_CALLSTATE if it changed. */
  setCallState(channel: Channel, callState: CallState): void {
    if (channel.callState === callState) return;
    const original = channel.callState;
    channel.callState = callState;
    this.fireChannel('CHANNEL_CALLSTATE', channel, [
      ['Original-Channel-Call-State', original],
      ['Channel-Call-State-Number', String(CALL_STATE_NUMBERS[callState])],
    ]);
  }

  /** CS_ROUTING; an inbound channel's call state becomes RINGING (fired before the state event). */
  enterRouting(channel: Channel): void {
    channel.state = 'CS_ROUTING';
    if (channel.direction === 'inbound') this.setCallState(channel, 'RINGING');
    this.fireChannel('CHANNEL_STATE', channel);
    this.firePresence(channel, 'CS_ROUTING');
  }

  /** CS_EXECUTE; an answered channel's call state returns to ACTIVE first. */
  enterExecute(channel: Channel): void {
    channel.state = 'CS_EXECUTE';
    if (channel.answered) this.setCallState(channel, 'ACTIVE');
    this.fireChannel('CHANNEL_STATE', channel);
  }

  /** Ring indication (a 180 on an outbound leg, or passed on to the caller): CHANNEL_PROGRESS. */
  markRinging(channel: Channel): void {
    if (!channel.alive) return;
    this.mirrorToLoopbackCaller(channel, (partner) => this.markRinging(partner));
    const first = channel.times.progress === 0;
    if (first) channel.times.progress = nowMicros();
    this.fireChannel('CHANNEL_PROGRESS', channel);
    if (channel.callState === 'DOWN') this.setCallState(channel, 'RINGING');
    if (first) channel.signalling?.ringing?.(channel);
  }

  /**
   * Early media (183): CHANNEL_PROGRESS_MEDIA, call state EARLY. A phone's call negotiates its offer first (late
   * negotiation): when that fails the channel is hung up INCOMPATIBLE_DESTINATION instead (media-negotiation.ts).
   */
  preAnswer(channel: Channel): void {
    if (!channel.alive || channel.answerState !== 'ringing') return;
    if (channel.endpoint === 'sofia' && channel.direction === 'inbound' && !offerNegotiates(channel.variables)) {
      channel.variables.set('endpoint_disposition', 'CODEC NEGOTIATION ERROR');
      this.hangup(channel, 'INCOMPATIBLE_DESTINATION');
      return;
    }
    this.mirrorToLoopbackCaller(channel, (partner) => this.preAnswer(partner));
    channel.answerState = 'early';
    channel.times.progressMedia = nowMicros();
    channel.codec ??= { name: 'PCMU', rate: '8000', bitRate: '64000' };
    this.fireChannel('CHANNEL_PROGRESS_MEDIA', channel);
    this.setCallState(channel, 'EARLY');
    channel.signalling?.earlyMedia(channel);
  }

  /** Answer (200 OK): CHANNEL_ANSWER, call state ACTIVE. A SIP caller gets early media first, as in 07b. */
  answer(channel: Channel): void {
    if (!channel.alive || channel.answered) return;
    if (channel.endpoint === 'sofia' && channel.direction === 'inbound') this.preAnswer(channel);
    if (!channel.alive) return;
    this.mirrorToLoopbackCaller(channel, (partner) => this.answer(partner));
    channel.answerState = 'answered';
    channel.times.answered = nowMicros();
    channel.codec ??= { name: 'PCMU', rate: '8000', bitRate: '64000' };
    this.fireChannel('CHANNEL_ANSWER', channel);
    this.setCallState(channel, 'ACTIVE');
    this.firePresence(channel, 'answered');
    channel.signalling?.answered(channel);
    channel.wakeup.wake();
    channel.other?.channel.wakeup.wake();
  }

  /**
   * Hangs a channel up: CHANNEL_HANGUP, UNBRIDGE (bridge originator), the running applications
   * unwound (UNPARK before park's EXECUTE_COMPLETE), then HANGUP → REPORTING → DESTROY.
   */
  hangup(channel: Channel, cause: string): void {
    if (!channel.alive || this.halted) return;
    channel.hangupCause = cause;
    channel.answerState = 'hangup';
    channel.times.hangup = nowMicros();
    channel.variables.set('hangup_cause', cause);
    channel.variables.set('hangup_cause_q850', String(q850Of(cause)));
    channel.signalling?.hungUp(channel);
    this.fireChannel('CHANNEL_HANGUP', channel);
    const link = channel.bridge;
    if (link) {
      channel.bridge = undefined;
      link.peer.bridge = undefined;
      this.fireChannel('CHANNEL_UNBRIDGE', link.side === 'a' ? channel : link.peer);
      link.peer.wakeup.wake();
      // The bridge app's peer leaves with its caller, before the app completes (15: P, then X).
      if (link.side === 'a' && link.kind === 'bridge') {
        this.hangup(link.peer, cause);
        channel.variables.set('bridge_hangup_cause', cause);
      }
    }
    for (const running of [...channel.appStack].reverse()) this.completeApp(channel, running);
    this.setState(channel, 'CS_HANGUP');
    this.setCallState(channel, 'HANGUP');
    this.setState(channel, 'CS_REPORTING');
    this.fireChannel('CHANNEL_HANGUP_COMPLETE', channel);
    this.fireChannel('CHANNEL_DESTROY', channel);
    this.setState(channel, 'CS_DESTROY');
    this.live.delete(channel.uuid);
    channel.wakeup.wake();
    channel.other?.channel.wakeup.wake();
    // mod_loopback: each half of a pair ends with the other's cause.
    if (channel.loopbackPartner) this.hangup(channel.loopbackPartner, cause);
  }

  // mod_loopback passes ring, early media and answer of the -b leg on to its -a leg (the caller's side) first.
  private mirrorToLoopbackCaller(channel: Channel, apply: (partner: Channel) => void): void {
    if (channel.endpoint === 'loopback' && channel.direction === 'inbound' && channel.loopbackPartner) {
      apply(channel.loopbackPartner);
    }
  }

  // ---- execution --------------------------------------------------------------------------------

  /** Gives the channel a program (dialplan actions) and starts its thread if it has none. */
  run(channel: Channel, program: AppCall[]): void {
    channel.program = program;
    channel.programCounter = 0;
    this.activate(channel);
  }

  /** Routes an inbound channel through the dialplan (or the given program) and runs it. */
  route(channel: Channel, program?: AppCall[]): void {
    this.enterRouting(channel);
    const actions = program ?? this.lookupDialplan(channel);
    if (!actions) {
      this.hangup(channel, 'NO_ROUTE_DESTINATION');
      return;
    }
    this.enterExecute(channel);
    this.run(channel, actions);
  }

  /**
   * The dialplan's applications for a channel, dialling `destination` in `context` (default: its
   * own), if the hunt finds any. Condition fields are expanded against the channel now.
   */
  lookupDialplan(channel: Channel, destination = channel.profile.destinationNumber, context = channel.profile.context): AppCall[] | undefined {
    const fields = (name: string): string | undefined => (name === 'destination_number' ? destination : name === 'context' ? context : undefined);
    return routeCall(this.options.dialplan, {
      context,
      field: (name) => fields(name) ?? profileField(channel, name) ?? channel.variables.get(name) ?? '',
      expand: (text) => this.expand(channel, text, fields),
    });
  }

  /** `uuid_transfer … inline` and friends: leave whatever runs now, route to a new program. */
  transfer(channel: Channel, program: AppCall[]): void {
    channel.pendingTransfer = program;
    this.activate(channel);
  }

  /** Queues a sendmsg; a parked channel reads it on its next tick. */
  queueMessage(channel: Channel, message: QueuedMessage): void {
    channel.messages.push(message);
  }

  /** Waits one tick (at most `maxMs`) and then reads queued messages, as park/sleep/playback loops do. */
  async idle(channel: Channel, maxMs = Infinity): Promise<void> {
    await this.tick(channel, maxMs);
    await this.processMessages(channel);
  }

  /**
   * One turn of a channel's loop, at most `maxMs`: in real timing the loop's fixed poll, whatever
   * happens meanwhile; in fast timing a park tick, cut short when something happens to the channel.
   */
  tick(channel: Channel, maxMs = Infinity): Promise<void> {
    const poll = this.options.timing.channelPollMs;
    return poll === undefined ? channel.wakeup.wait(Math.min(maxMs, this.options.parkTickMs)) : sleep(Math.min(maxMs, poll));
  }

  /** Runs one application: optional pre-answer ("Requires media"), EXECUTE, the app, EXECUTE_COMPLETE. */
  async execute(channel: Channel, call: AppCall): Promise<void> {
    const app = this.apps.get(call.app);
    if (!app || !channel.alive) return; // FreeSWITCH logs "Invalid Application" and fires nothing
    const arg = this.expand(channel, call.arg);
    if (app.needsMedia && channel.answerState === 'ringing') {
      // Only real timing waits (an await of nothing would still reorder fast timing's events).
      const setupMs = this.options.timing.mediaSetupMs;
      if (setupMs > 0) await sleep(setupMs);
      if (!channel.alive) return;
      this.preAnswer(channel);
      // A failed pre-answer ends the channel before the application starts: no EXECUTE.
      if (!channel.alive) return;
    }
    const running: RunningApp = { app: call.app, arg, uuid: call.uuid ?? randomUUID(), response: '_none_', completed: false };
    channel.appStack.push(running);
    if (arg !== '') channel.variables.set('current_application_data', arg);
    channel.variables.set('current_application', call.app);
    this.fireChannel('CHANNEL_EXECUTE', channel, [], applicationHeaders(running, false));
    try {
      await app.run({ core: this, channel, running });
    } finally {
      channel.appStack.splice(channel.appStack.indexOf(running), 1);
    }
    this.completeApp(channel, running);
  }

  /**
   * `switch_channel_get_variable`: the channel's variable, else its caller-profile field (`overrides`
   * first: a transfer's new destination), else the global.
   */
  variable(channel: Channel, name: string, overrides: (name: string) => string | undefined = () => undefined): string | undefined {
    return channel.variables.get(name) ?? overrides(name) ?? profileField(channel, name) ?? this.options.globals.get(name);
  }

  /**
   * Expands `$${global}` and `${…}` against the channel (`variable` above). `${hash(…)}` runs the hash
   * API, which fires its API event as in capture 17; other APIs expand to nothing.
   */
  expand(channel: Channel, text: string, overrides: (name: string) => string | undefined = () => undefined): string {
    return expandText(text, {
      variable: (name) => this.variable(channel, name, overrides),
      global: (name) => this.options.globals.get(name),
      call: (api, argument) => {
        if (api !== 'hash') return undefined;
        this.fire(apiEvent(this.options.stamper, api, argument));
        return runHash(this, argument);
      },
    });
  }

  private completeApp(channel: Channel, running: RunningApp): void {
    if (running.completed) return;
    running.completed = true;
    if (running.app === 'park' && channel.parked) {
      channel.parked = false;
      this.fireChannel('CHANNEL_UNPARK', channel);
    }
    this.fireChannel('CHANNEL_EXECUTE_COMPLETE', channel, [], applicationHeaders(running, true));
  }

  /** Wakes the channel and starts its thread if it has none (a leg with no dialplan, a transfer). */
  activate(channel: Channel): void {
    channel.wakeup.wake();
    if (!channel.threadRunning) void this.runThread(channel);
  }

  private async runThread(channel: Channel): Promise<void> {
    channel.threadRunning = true;
    try {
      while (channel.alive && !this.halted) {
        if (channel.pendingBridge) {
          await runUuidBridge(this, channel);
        } else if (channel.pendingTransfer) {
          channel.program = channel.pendingTransfer;
          channel.programCounter = 0;
          channel.pendingTransfer = undefined;
          this.enterRouting(channel);
          this.enterExecute(channel);
        } else {
          const call = channel.program[channel.programCounter++];
          // The end of the dialplan (or of an originate's &app) hangs the channel up.
          if (!call) this.hangup(channel, 'NORMAL_CLEARING');
          else await this.execute(channel, call);
        }
      }
    } finally {
      channel.threadRunning = false;
    }
  }

  /**
   * Reads the sendmsg queue while `goesOn` (by default until something takes the channel away); while
   * an `event-lock` app runs, the queue waits for it.
   */
  async processMessages(channel: Channel, goesOn = (): boolean => channel.alive && !channel.interrupted): Promise<void> {
    if (channel.eventLocked) return;
    while (goesOn()) {
      const message = channel.messages.shift();
      if (!message) return;
      await this.runMessage(channel, message, goesOn);
    }
  }

  /** Runs one sendmsg now: a hangup, or the application `loops` times while `goesOn` (event-lock holds the queue meanwhile). */
  async runMessage(channel: Channel, message: QueuedMessage, goesOn: () => boolean = () => channel.alive): Promise<void> {
    if (message.kind === 'hangup') {
      this.hangup(channel, message.cause);
      return;
    }
    for (let loop = 0; loop < message.loops && goesOn(); loop++) {
      channel.eventLocked = message.eventLock;
      try {
        await this.execute(channel, message.call);
      } finally {
        channel.eventLocked = false;
      }
    }
  }
}

/** `switch_caller_get_field_by_name`: the caller-profile fields a dialplan or an expansion may name. */
function profileField(channel: Channel, name: string): string | undefined {
  const p = channel.profile;
  const fields: Record<string, string | undefined> = {
    destination_number: p.destinationNumber,
    caller_id_name: p.callerIdName,
    caller_id_number: p.callerIdNumber,
    ani: p.ani,
    network_addr: p.networkAddr,
    username: p.username,
    context: p.context,
    dialplan: p.dialplan,
    source: p.source,
    uuid: channel.uuid,
    chan_name: channel.name,
  };
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}
