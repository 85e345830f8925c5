/**
 * One simulated channel (session): its states, caller profile, variables and links to other legs,
 * and the channel header block FreeSWITCH puts on channel events (`switch_channel_event_set_data`).
 */
import { Wakeup } from './wakeup.ts';
import type { Header } from './wire.ts';

/** Channel states (switch_channel_state_t). */
export type ChannelStateName =
  | 'CS_NEW' | 'CS_INIT' | 'CS_ROUTING' | 'CS_SOFT_EXECUTE' | 'CS_EXECUTE' | 'CS_EXCHANGE_MEDIA' | 'CS_PARK'
  | 'CS_CONSUME_MEDIA' | 'CS_HIBERNATE' | 'CS_RESET' | 'CS_HANGUP' | 'CS_REPORTING' | 'CS_DESTROY' | 'CS_NONE';

const STATE_NUMBERS: Record<ChannelStateName, number> = {
  CS_NEW: 0, CS_INIT: 1, CS_ROUTING: 2, CS_SOFT_EXECUTE: 3, CS_EXECUTE: 4, CS_EXCHANGE_MEDIA: 5, CS_PARK: 6,
  CS_CONSUME_MEDIA: 7, CS_HIBERNATE: 8, CS_RESET: 9, CS_HANGUP: 10, CS_REPORTING: 11, CS_DESTROY: 12, CS_NONE: 13,
};

/** Call states (switch_channel_callstate_t) as they appear in Channel-Call-State. */
export type CallState = 'DOWN' | 'RINGING' | 'EARLY' | 'ACTIVE' | 'HANGUP';

/** Call-state numbers, as in Channel-Call-State-Number. */
export const CALL_STATE_NUMBERS: Record<CallState, number> = { DOWN: 0, RINGING: 2, EARLY: 3, ACTIVE: 4, HANGUP: 10 };

/** Answer-State values. */
export type AnswerState = 'ringing' | 'early' | 'answered' | 'hangup';

/** Which module owns the channel: mod_sofia (SIP) or mod_loopback. */
export type Endpoint = 'sofia' | 'loopback';

/** The caller profile FreeSWITCH prints as the `Caller-*` (and `Other-Leg-*`) block. */
export interface CallerProfile {
  username?: string;
  dialplan: string;
  callerIdName: string;
  callerIdNumber: string;
  origCallerIdName: string;
  origCallerIdNumber: string;
  calleeIdName?: string;
  calleeIdNumber?: string;
  networkAddr?: string;
  ani: string;
  destinationNumber: string;
  source: string;
  context: string;
  transferSource?: string;
  profileIndex: number;
  profileCreated: number;
}

/** One dialplan application call, with the Event-UUID a client may have given it. */
export interface AppCall {
  readonly app: string;
  readonly arg: string;
  readonly uuid?: string;
}

/** An application on the channel's execution stack (park may hold apps run from sendmsg). */
export interface RunningApp extends AppCall {
  readonly uuid: string;
  response: string;
  completed: boolean;
}

/** A `sendmsg` waiting for the channel to read its message queue. */
export type QueuedMessage =
  | { readonly kind: 'execute'; readonly call: AppCall; readonly loops: number; readonly eventLock: boolean }
  | { readonly kind: 'hangup'; readonly cause: string };

/** What the other end of a (uuid_)bridge is, and which side this channel is. */
export interface BridgeLink {
  readonly peer: Channel;
  /** 'a' fires CHANNEL_BRIDGE/UNBRIDGE (the bridge originator); 'b' is the originatee. */
  readonly side: 'a' | 'b';
  /** 'bridge': the bridge app's peer, which hangs up with side a; 'uuid_bridge': each leg goes on by itself. */
  readonly kind: 'bridge' | 'uuid_bridge';
}

/** A leg's SIP dialog with another simulated node (sip-dialog.ts): told of the leg's early media, answer and hangup. */
export interface SipSignalling {
  /** A 180 without SDP (a relayed leg's phones ring); undefined: nothing to pass on. */
  ringing?(channel: Channel): void;
  earlyMedia(channel: Channel): void;
  answered(channel: Channel): void;
  /** Called as the hangup starts, before CHANNEL_HANGUP, so the dialog can set its disposition variables. */
  hungUp(channel: Channel): void;
}

/**
 * When things happened to a channel, in epoch microseconds (the clock of Event-Date-Timestamp, with
 * sub-millisecond precision from performance.now); 0 = not (yet). `inviteSent`: when the phone behind
 * an inbound call sent its INVITE (before the 407 challenge), for calls a test's phone placed.
 */
export interface ChannelTimes {
  created: number;
  inviteSent: number;
  progress: number;
  progressMedia: number;
  answered: number;
  bridged: number;
  hangup: number;
}

/**
 * Channel variables in FreeSWITCH's order: setting one again moves it to the end (channel variables
 * are an event with unique headers, re-added at the bottom; 16a: current_application after the
 * dialplan's own variables).
 */
export class ChannelVariables extends Map<string, string> {
  override set(name: string, value: string): this {
    super.delete(name);
    return super.set(name, value);
  }
}

/** Construction data of a channel. */
export interface ChannelInit {
  readonly uuid: string;
  readonly name: string;
  readonly direction: 'inbound' | 'outbound';
  readonly endpoint: Endpoint;
  readonly profile: CallerProfile;
  readonly createdAt: number;
}

/** A simulated session. Mutated only by the switch core. */
export class Channel {
  readonly uuid: string;
  name: string;
  readonly direction: 'inbound' | 'outbound';
  readonly endpoint: Endpoint;
  profile: CallerProfile;
  state: ChannelStateName = 'CS_NEW';
  callState: CallState = 'DOWN';
  answerState: AnswerState = 'ringing';
  hitDialplan = false;
  hangupCause?: string;
  callUuid: string;
  other?: { readonly type: 'originator' | 'originatee'; readonly channel: Channel };
  codec?: { readonly name: string; readonly rate: string; readonly bitRate: string };
  readonly variables = new ChannelVariables();
  readonly times: ChannelTimes;

  // Behaviour state, driven by the switch core.
  loopbackPartner?: Channel;
  signalling?: SipSignalling;
  bridge?: BridgeLink;
  pendingBridge?: BridgeLink;
  pendingTransfer?: AppCall[];
  /** Set while this leg waits in CS_SOFT_EXECUTE for its uuid_bridge peer. */
  awaitingBridgeWith?: Channel;
  readonly appStack: RunningApp[] = [];
  readonly messages: QueuedMessage[] = [];
  parked = false;
  eventLocked = false;
  threadRunning = false;
  program: AppCall[] = [];
  programCounter = 0;
  readonly wakeup = new Wakeup();

  constructor(init: ChannelInit) {
    this.uuid = init.uuid;
    this.name = init.name;
    this.direction = init.direction;
    this.endpoint = init.endpoint;
    this.profile = init.profile;
    this.callUuid = init.uuid;
    this.times = { created: init.createdAt, inviteSent: 0, progress: 0, progressMedia: 0, answered: 0, bridged: 0, hangup: 0 };
  }

  /** Not hung up yet. */
  get alive(): boolean {
    return this.hangupCause === undefined;
  }

  get answered(): boolean {
    return this.answerState === 'answered' || this.times.answered > 0;
  }

  /** Something asks the channel to leave what it is doing (hangup, transfer, uuid_bridge). */
  get interrupted(): boolean {
    return !this.alive || this.pendingBridge !== undefined || this.pendingTransfer !== undefined;
  }

  /** `switch_channel_get_partner_uuid`: signal_bond, else the leg it is ringing (originate_signal_bond). */
  get partnerUuid(): string | undefined {
    return this.variables.get('signal_bond') ?? this.variables.get('originate_signal_bond');
  }

  /** `switch_ivr_find_bridged_uuid` (intercept -bleg): the leg it rings first, else its partner. */
  get bridgedUuid(): string | undefined {
    return this.variables.get('originate_signal_bond') ?? this.partnerUuid;
  }
}

/** The variable that lists the names a channel exports to the legs it originates (`export`). */
export const EXPORT_VARS = 'export_vars';

/** Sets several channel variables at once, in the given order. */
export function setVariables(channel: Channel, variables: Readonly<Record<string, string>>): void {
  for (const [name, value] of Object.entries(variables)) channel.variables.set(name, value);
}

/** The channel header block, optionally with `variable_*` headers (only some events carry them). */
export function channelHeaders(channel: Channel, withVariables: boolean): Header[] {
  const headers: Header[] = [
    ['Channel-State', channel.state],
    ['Channel-Call-State', channel.callState],
    ['Channel-State-Number', String(STATE_NUMBERS[channel.state])],
    ['Channel-Name', channel.name],
    ['Unique-ID', channel.uuid],
    ['Call-Direction', channel.direction],
    ['Presence-Call-Direction', channel.direction],
    ['Channel-HIT-Dialplan', String(channel.hitDialplan)],
  ];
  const presenceId = channel.variables.get('presence_id');
  if (presenceId !== undefined) headers.push(['Channel-Presence-ID', presenceId]);
  headers.push(['Channel-Call-UUID', channel.callUuid], ['Answer-State', channel.answerState]);
  if (channel.hangupCause !== undefined) headers.push(['Hangup-Cause', channel.hangupCause]);
  if (channel.codec) {
    const { name, rate, bitRate } = channel.codec;
    for (const side of ['Read', 'Write']) {
      headers.push([`Channel-${side}-Codec-Name`, name], [`Channel-${side}-Codec-Rate`, rate], [`Channel-${side}-Codec-Bit-Rate`, bitRate]);
    }
  }
  headers.push(...profileHeaders('Caller', channel, true));
  if (channel.other) {
    headers.push(['Other-Type', channel.other.type], ...profileHeaders('Other-Leg', channel.other.channel, false));
  }
  if (withVariables) {
    for (const [name, value] of channel.variables) headers.push([`variable_${name}`, value]);
  }
  return headers;
}

/** A caller profile as `<prefix>-*` headers (`Caller`, `Other-Leg`, and `Channel` in the outbound socket's channel data). */
export function profileHeaders(prefix: string, channel: Channel, withIndex: boolean): Header[] {
  const p = channel.profile;
  const t = channel.times;
  const optional = (name: string, value: string | undefined): Header[] => (value === undefined ? [] : [[`${prefix}-${name}`, value]]);
  return [
    [`${prefix}-Direction`, channel.direction],
    [`${prefix}-Logical-Direction`, channel.direction],
    ...optional('Username', p.username),
    [`${prefix}-Dialplan`, p.dialplan],
    [`${prefix}-Caller-ID-Name`, p.callerIdName],
    [`${prefix}-Caller-ID-Number`, p.callerIdNumber],
    [`${prefix}-Orig-Caller-ID-Name`, p.origCallerIdName],
    [`${prefix}-Orig-Caller-ID-Number`, p.origCallerIdNumber],
    ...optional('Callee-ID-Name', p.calleeIdName),
    ...optional('Callee-ID-Number', p.calleeIdNumber),
    ...optional('Network-Addr', p.networkAddr),
    [`${prefix}-ANI`, p.ani],
    [`${prefix}-Destination-Number`, p.destinationNumber],
    [`${prefix}-Unique-ID`, channel.uuid],
    [`${prefix}-Source`, p.source],
    ...optional('Transfer-Source', p.transferSource),
    [`${prefix}-Context`, p.context],
    [`${prefix}-Channel-Name`, channel.name],
    ...(withIndex ? ([[`${prefix}-Profile-Index`, String(p.profileIndex)]] as Header[]) : []),
    [`${prefix}-Profile-Created-Time`, String(p.profileCreated)],
    [`${prefix}-Channel-Created-Time`, String(t.created)],
    [`${prefix}-Channel-Answered-Time`, String(t.answered)],
    [`${prefix}-Channel-Progress-Time`, String(t.progress)],
    [`${prefix}-Channel-Progress-Media-Time`, String(t.progressMedia)],
    [`${prefix}-Channel-Hangup-Time`, String(t.hangup)],
    [`${prefix}-Channel-Transfer-Time`, '0'],
    [`${prefix}-Channel-Resurrect-Time`, '0'],
    [`${prefix}-Channel-Bridged-Time`, String(t.bridged)],
    [`${prefix}-Channel-Last-Hold`, '0'],
    [`${prefix}-Channel-Hold-Accum`, '0'],
    [`${prefix}-Screen-Bit`, 'true'],
    [`${prefix}-Privacy-Hide-Name`, 'false'],
    [`${prefix}-Privacy-Hide-Number`, 'false'],
  ];
}

/** The Application-* headers of CHANNEL_EXECUTE (and, with the response, CHANNEL_EXECUTE_COMPLETE). */
export function applicationHeaders(running: RunningApp, complete: boolean): Header[] {
  return [
    ['Application', running.app],
    ...(running.arg === '' ? [] : ([['Application-Data', running.arg]] as Header[])),
    ...(complete ? ([['Application-Response', running.response]] as Header[]) : []),
    ['Application-UUID', running.uuid],
  ];
}

/** What tests and the e2e harness can see of a channel. */
/** A channel's observable state without its variables: cheap enough to poll for thousands of channels. */
export interface ChannelState {
  readonly uuid: string;
  readonly name: string;
  readonly direction: 'inbound' | 'outbound';
  readonly state: ChannelStateName;
  readonly callState: CallState;
  readonly answerState: AnswerState;
  readonly otherLegUuid: string | undefined;
  readonly bridgedTo: string | undefined;
  readonly parked: boolean;
  readonly hangupCause: string | undefined;
  /** Epoch µs (0 = not yet): `inviteSent` by the phone, CHANNEL_BRIDGE (`bridged`), answer, hangup… */
  readonly times: Readonly<ChannelTimes>;
}

export interface ChannelSnapshot extends ChannelState {
  readonly variables: Readonly<Record<string, string>>;
}

/** A frozen copy of a channel's state, variables left out. */
export function stateOf(channel: Channel): ChannelState {
  return Object.freeze({
    uuid: channel.uuid,
    name: channel.name,
    direction: channel.direction,
    state: channel.state,
    callState: channel.callState,
    answerState: channel.answerState,
    otherLegUuid: channel.other?.channel.uuid,
    bridgedTo: channel.bridge?.peer.uuid,
    parked: channel.parked,
    hangupCause: channel.hangupCause,
    times: Object.freeze({ ...channel.times }),
  });
}

/** A frozen copy of a channel's observable state. */
export function snapshotOf(channel: Channel): ChannelSnapshot {
  return Object.freeze({ ...stateOf(channel), variables: Object.freeze(Object.fromEntries(channel.variables)) });
}
