import { createHash } from 'node:crypto';

/** A BLF lamp: lit (early: a call can be picked up) or dark (terminated). */
export type LampState = 'early' | 'terminated';

/**
 * The PRESENCE_IN headers that make FreeSWITCH NOTIFY a dialog subscriber of `entity` (e.g. 88sales@pbx.test)
 * with `<state>early</state>` / `<state>terminated</state>` (capture 10): proto sip, a unique-id that is not a
 * live channel (it becomes the dialog id; a live one would make FreeSWITCH queue the event to that channel and
 * never fire it; none gives no <dialog> at all), answer-state early/terminated, presence-call-direction outbound.
 */
export function lampPresenceHeaders(entity: string, state: LampState, version: number): Record<string, string> {
  const lit = state === 'early';
  return {
    proto: 'sip',
    from: entity,
    login: entity,
    status: lit ? 'Ringing' : 'Available',
    rpid: 'unknown',
    event_type: 'presence',
    alt_event_type: 'dialog',
    event_count: String(version),
    'unique-id': lampDialogId(entity),
    'channel-state': lit ? 'CS_ROUTING' : 'CS_HANGUP',
    'answer-state': state,
    'presence-call-direction': 'outbound',
  };
}

/** A stable uuid-shaped dialog id per lamp, the same on every controller, never a channel's. */
export function lampDialogId(entity: string): string {
  const hex = createHash('sha1').update(`fs-pickup-blf:${entity}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The entity a PRESENCE_PROBE asks about (`to`), when it is a dialog probe; undefined otherwise. */
export function probedEntity(headers: Readonly<Record<string, string>>): string | undefined {
  const probeType = headers['probe-type'];
  if (probeType !== undefined && probeType !== 'dialog') return undefined;
  return headers.to;
}

/**
 * The entity (`from`, e.g. 200@pbx.test) of FreeSWITCH's own PRESENCE_IN for a channel that is hanging up
 * (switch_channel_presence: the channel's data, `Answer-State: hangup`, capture 11); undefined for any other
 * PRESENCE_IN, ours included (they carry no channel data).
 */
export function nativeHangupOf(headers: Readonly<Record<string, string>>): string | undefined {
  if (!headers['Unique-ID'] || headers['Answer-State'] !== 'hangup') return undefined;
  return headers.from;
}
