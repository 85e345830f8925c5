/**
 * Per-leg views of an event stream, for comparing the simulator with a capture: each channel gets a
 * role named after its Channel-Name (uuids inside names blanked, numbered by first appearance), and
 * uuids in the compared headers are replaced by those roles. Scenarios may also compare chosen
 * headers of chosen events (`checkedHeaders`); mod_callcenter's CC-Action sequences are compared
 * per agent (`callcenterActions`).
 */
import type { DecodedEvent } from './capture-reader.ts';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** One event of a leg, reduced to what the replay compares. */
export interface LegStep {
  readonly event: string;
  /** Channel-State, on CHANNEL_STATE only (it is what that event says). */
  readonly state?: string;
  readonly callState: string | undefined;
  readonly answerState: string | undefined;
  readonly direction: string | undefined;
  readonly otherLeg: string | undefined;
  readonly hangupCause: string | undefined;
  readonly signalBond: string | undefined;
  /** Application, on CHANNEL_EXECUTE / CHANNEL_EXECUTE_COMPLETE. */
  readonly application?: string;
}

/** Roles of the channels in a stream, and every leg's steps keyed by role. */
export interface LegView {
  readonly roles: ReadonlyMap<string, string>;
  readonly legs: ReadonlyMap<string, readonly LegStep[]>;
}

/** Replaces every uuid that names a channel of the stream by its role. */
export function withRoles(text: string, roles: ReadonlyMap<string, string>): string {
  return text.replace(UUID, (uuid) => roles.get(uuid) ?? uuid);
}

/** Builds the per-leg view of the CHANNEL_* events of a stream. */
export function legView(events: readonly DecodedEvent[]): LegView {
  const channelEvents = events.filter((event) => event.get('Event-Name')?.startsWith('CHANNEL_'));
  const roles = new Map<string, string>();
  const seenNames = new Map<string, number>();
  for (const event of channelEvents) {
    const uuid = event.get('Unique-ID')!;
    if (roles.has(uuid)) continue;
    const name = (event.get('Channel-Name') ?? '?').replace(UUID, '<uuid>');
    const ordinal = (seenNames.get(name) ?? 0) + 1;
    seenNames.set(name, ordinal);
    roles.set(uuid, `${name}#${ordinal}`);
  }
  const role = (uuid: string | undefined): string | undefined => (uuid === undefined ? undefined : (roles.get(uuid) ?? uuid));
  const legs = new Map<string, LegStep[]>();
  for (const event of channelEvents) {
    const name = event.get('Event-Name')!;
    const key = roles.get(event.get('Unique-ID')!)!;
    const steps = legs.get(key) ?? [];
    legs.set(key, steps);
    steps.push({
      event: name,
      ...(name === 'CHANNEL_STATE' ? { state: event.get('Channel-State') } : {}),
      callState: event.get('Channel-Call-State'),
      answerState: event.get('Answer-State'),
      direction: event.get('Call-Direction'),
      otherLeg: role(event.get('Other-Leg-Unique-ID')),
      hangupCause: event.get('Hangup-Cause'),
      signalBond: role(event.get('variable_signal_bond')),
      ...(name.startsWith('CHANNEL_EXECUTE') ? { application: event.get('Application') } : {}),
    });
  }
  for (const steps of legs.values()) dropRacyConsumeMedia(steps);
  return { roles, legs };
}

/**
 * The uuid_bridge originatee is set to CS_CONSUME_MEDIA and then to CS_EXCHANGE_MEDIA by the
 * bridge thread; whether FreeSWITCH reports the first depends on timing (02/07b show it, 08/14 do
 * not), so a CS_CONSUME_MEDIA directly followed by CS_EXCHANGE_MEDIA is not compared.
 */
function dropRacyConsumeMedia(steps: LegStep[]): void {
  for (let i = steps.length - 2; i >= 0; i--) {
    if (steps[i]!.state === 'CS_CONSUME_MEDIA' && steps[i + 1]!.state === 'CS_EXCHANGE_MEDIA') steps.splice(i, 1);
  }
}

/** Headers compared as they are (uuids as roles) on some events of some legs. */
export interface HeaderCheck {
  /** Legs whose role matches. */
  readonly role: RegExp;
  readonly event: string;
  /** On CHANNEL_EXECUTE(_COMPLETE): only this application. */
  readonly application?: string;
  readonly headers: readonly string[];
}

/** The checked headers, keyed `<role> <event>[ <application>]`, one entry per matching event in order. */
export type CheckedHeaders = Record<string, ReadonlyArray<Readonly<Record<string, string | null>>>>;

/** Takes the headers of `checks` from a stream; uuids become roles or `<uuid>`, a missing header is null. */
export function checkedHeaders(events: readonly DecodedEvent[], roles: ReadonlyMap<string, string>, checks: readonly HeaderCheck[]): CheckedHeaders {
  const result: Record<string, Array<Record<string, string | null>>> = {};
  for (const event of events) {
    const role = roles.get(event.get('Unique-ID') ?? '');
    const name = event.get('Event-Name');
    if (role === undefined) continue;
    for (const check of checks) {
      if (check.event !== name || !check.role.test(role)) continue;
      if (check.application !== undefined && event.get('Application') !== check.application) continue;
      const key = `${role} ${name}${check.application === undefined ? '' : ` ${check.application}`}`;
      const values = Object.fromEntries(check.headers.map((header) => {
        const value = event.get(header);
        return [header, value === undefined ? null : withRoles(value, roles).replace(UUID, '<uuid>')];
      }));
      (result[key] ??= []).push(values);
    }
  }
  return result;
}

// What a CC-Action line shows besides the action (whichever the event has).
const CC_DETAILS = ['CC-Agent-State', 'CC-Hangup-Cause', 'CC-Cause', 'CC-Cancel-Reason', 'CC-Count', 'CC-Member-Session-UUID'];

/**
 * mod_callcenter's `callcenter::info` events as `action(details)` lines, grouped by `CC-Agent` (the
 * agents' threads run concurrently, so only each agent's own order is FreeSWITCH's) or, for events
 * without one, by `CC-Queue`. The member's session uuid appears as its role.
 */
export function callcenterActions(events: readonly DecodedEvent[], roles: ReadonlyMap<string, string>): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const event of events) {
    if (event.get('Event-Subclass') !== 'callcenter::info') continue;
    const key = event.get('CC-Agent') ?? `queue ${event.get('CC-Queue') ?? '?'}`;
    const details = CC_DETAILS.flatMap((name) => event.get(name) ?? []).map((value) => roles.get(value) ?? value);
    (result[key] ??= []).push(`${event.get('CC-Action')}(${details.join(' ')})`);
  }
  return result;
}
