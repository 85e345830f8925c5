import type { CallKind } from '../domain/call-kind.ts';
import { parseFlag } from '../domain/flags.ts';
import type { EslEvent } from './event.ts';

/**
 * What a channel event means for call pickup, in FreeSWITCH-neutral terms. Values are exactly what the
 * switch sent: user names and the dialled string are untrusted and must be validated by the consumer.
 */
export type ChannelFact =
  /**
   * An outbound leg rings a directory user on behalf of a caller's (A) leg — or, for a mod_callcenter queue, an
   * agent on behalf of a queued member (the "call" is then the member's answered session).
   */
  | {
      readonly kind: 'leg-ringing';
      readonly legUuid: string;
      readonly callUuid: string;
      readonly extension: string;
      readonly domain: string;
      /** The queue the call rings through (mod_callcenter's queue name, or our ring-group tag), if any. */
      readonly queue: string | undefined;
      /** 'callcenter': the call is a queue member, already answered (intercept it with intercept_unbridged_only). */
      readonly callKind: CallKind;
      readonly callerNumber: string;
      readonly callerName: string;
      /** The dialplan marked the leg (or, exported, its call) never pickable: fs_pickup_exclude. */
      readonly excluded: boolean;
      readonly sequence: number;
    }
  /**
   * A phone FreeSWITCH authenticated as a directory user placed a call: its leg is the caller's leg of whatever that
   * call rings, and the caller's own phone never makes it pickable.
   */
  | { readonly kind: 'caller-authenticated'; readonly callUuid: string; readonly extension: string; readonly domain: string; readonly sequence: number }
  /** That leg stopped ringing: its phone answered, or it hung up (cancelled, picked off, timed out…). */
  | {
      readonly kind: 'leg-stopped';
      readonly legUuid: string;
      readonly callUuid: string;
      readonly extension: string;
      readonly domain: string;
      readonly reason: 'answered' | 'hangup';
      readonly cause: string;
      readonly sequence: number;
    }
  /**
   * The caller's leg hung up: whatever it still rings is over. `domain` is the one its user/ dials named (the store's
   * call is there); undefined for a caller that dialled no directory user (only its authentication is forgotten).
   */
  | { readonly kind: 'call-ended'; readonly callUuid: string; readonly domain: string | undefined; readonly cause: string; readonly sequence: number };

/**
 * The channel variable a dialplan sets to make a call never pickable: `fs_pickup_exclude=true`, on a ringing leg
 * (`[…]`/`{…}` in the dial string) or exported from the caller's leg before `bridge` (a plain `set` stays on the
 * caller's leg, whose events the tracker does not read for this).
 */
export const EXCLUDE_VARIABLE = 'fs_pickup_exclude';

/** The channel variable a dialplan puts on the legs of a plain ring group to make it a pickable queue (88cg_<id>). */
export const RING_GROUP_QUEUE_VARIABLE = 'fs_pickup_queue';

/** The events the controller subscribes to: nothing else is needed to track ringing calls and run pickups. */
export const CONTROLLER_EVENTS = Object.freeze([
  'CHANNEL_CREATE',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_ANSWER',
  'CHANNEL_HANGUP',
  'CHANNEL_BRIDGE',
  'BACKGROUND_JOB',
  'HEARTBEAT',
  'PRESENCE_PROBE',
  // FreeSWITCH's own lamp of a channel that ends: an extension lamp lit for a call on another node is lit again.
  'PRESENCE_IN',
]);

const RINGING_EVENTS = new Set(['CHANNEL_CREATE', 'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA']);

/** Maps one event to its pickup meaning, or undefined when it has none. Pure; tested on captured frames. */
export function channelFactOf(event: EslEvent): ChannelFact | undefined {
  const h = event.headers;
  const uuid = h['Unique-ID'];
  if (!uuid) return undefined;
  const sequence = Number(h['Event-Sequence'] ?? 0);
  if (h['Call-Direction'] === 'inbound') return callerFactOf(event.name, h, uuid, sequence);
  const target = ringTargetOf(h, uuid);
  if (!target) return undefined;
  if (RINGING_EVENTS.has(event.name)) {
    const answerState = h['Answer-State'];
    if (answerState !== 'ringing' && answerState !== 'early') return undefined;
    const excluded = parseFlag(h[`variable_${EXCLUDE_VARIABLE}`] ?? '') === true;
    return { kind: 'leg-ringing', legUuid: uuid, ...target, callerNumber: h['Caller-Caller-ID-Number'] ?? '', callerName: h['Caller-Caller-ID-Name'] ?? '', excluded, sequence };
  }
  if (event.name === 'CHANNEL_ANSWER' || event.name === 'CHANNEL_HANGUP') {
    const { callUuid, extension, domain } = target;
    return { kind: 'leg-stopped', legUuid: uuid, callUuid, extension, domain, reason: event.name === 'CHANNEL_ANSWER' ? 'answered' : 'hangup', cause: h['Hangup-Cause'] ?? '', sequence };
  }
  return undefined;
}

/**
 * What a caller's (inbound) leg tells: who placed it, when a phone authenticated as a directory user did (sofia sets
 * user_name/domain_name only then; the caller-ID is anyone's to send), and its hangup. The user endpoint also sets
 * dialed_user/dialed_domain on the caller's leg: that hangup ends a call of the store.
 */
function callerFactOf(name: string, h: Readonly<Record<string, string>>, uuid: string, sequence: number): ChannelFact | undefined {
  const caller = h.variable_sip_authorized === 'true' && h.variable_user_name && h.variable_domain_name ? { extension: h.variable_user_name, domain: h.variable_domain_name } : undefined;
  if (name === 'CHANNEL_CREATE' && caller) return { kind: 'caller-authenticated', callUuid: uuid, ...caller, sequence };
  if (name !== 'CHANNEL_HANGUP') return undefined;
  const domain = h.variable_dialed_user ? nonEmpty(h.variable_dialed_domain) : undefined;
  return domain || caller ? { kind: 'call-ended', callUuid: uuid, domain, cause: h['Hangup-Cause'] ?? '', sequence } : undefined;
}

/** Whom an outbound leg rings, for which call; undefined for legs that ring nobody we track. */
function ringTargetOf(h: Readonly<Record<string, string>>, uuid: string): { callUuid: string; extension: string; domain: string; queue: string | undefined; callKind: CallKind } | undefined {
  // mod_callcenter originates agent legs without a session: no Other-Leg, no signal_bond; the member is named only by
  // cc_member_session_uuid (cc_member_uuid is another id). The queue is `<name>@<domain>` (captures 09).
  const member = h.variable_cc_member_session_uuid;
  if (h.variable_cc_side === 'agent' && member) {
    const [queue, domain] = (h.variable_cc_queue ?? '').split('@');
    const extension = h.variable_dialed_user ?? (h.variable_cc_agent ?? '').split('@')[0];
    if (!queue || !domain || !extension || member === uuid) return undefined;
    return { callUuid: member, extension, domain, queue, callKind: 'callcenter' };
  }
  // The user endpoint sets dialed_user/dialed_domain on the leg it rings (mod_dptools user_outgoing_channel).
  const extension = h.variable_dialed_user;
  const domain = h.variable_dialed_domain;
  // A ringing leg names its caller's leg; the caller's leg names nobody until bridged (captures README).
  const callUuid = h['Other-Leg-Unique-ID'] ?? h.variable_signal_bond;
  if (!extension || !domain || !callUuid || callUuid === uuid) return undefined;
  // A caller answered before this leg rang (transferred, or through an IVR) waits unbridged, like a queue member.
  const callKind = Number(h['Other-Leg-Channel-Answered-Time'] ?? 0) > 0 ? 'callcenter' : 'user';
  return { callUuid, extension, domain, queue: nonEmpty(h[`variable_${RING_GROUP_QUEUE_VARIABLE}`]), callKind };
}

/** A header value, or undefined when FreeSWITCH sent none or an empty one. */
export function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
