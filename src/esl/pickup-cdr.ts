import { assertChannelUuid } from './safe-args.ts';

/** What FreeSWITCH's own CDRs should show of a pickup, on the picker's and on the caller's leg. */
export interface PickupCdr {
  /** The picker, `user@domain`. */
  readonly by: string;
  /** group | my-groups | extension | queue | legacy-group */
  readonly form: string;
  /** The group, extension or queue picked from ('' for legacy group pickup). */
  readonly target: string;
}

/** The subclass of the CUSTOM event fired on the picker's node for every pickup request. */
export const PICKUP_EVENT_SUBCLASS = 'fs_pickup::pickup';

// Values are user@domain, a form and a group/extension/queue name: none holds '=', ';' or a space, which would
// split uuid_setvar_multi's list. Anything else is dropped rather than sent.
const SETVAR_SAFE = /^[A-Za-z0-9_.@*-]*$/;

/** `name=value` assignments of the CDR variables (fs_pickup_by, fs_pickup_form, fs_pickup_group). */
export function cdrAssignments(cdr: PickupCdr): string[] {
  return [
    ['fs_pickup_by', cdr.by],
    ['fs_pickup_form', cdr.form],
    ['fs_pickup_group', cdr.target],
  ].flatMap(([name, value]) => (value !== '' && SETVAR_SAFE.test(value!) ? [`${name}=${value}`] : []));
}

/** The api command that puts the CDR variables on another channel (the caller's leg). */
export function setCdrCommand(channelUuid: string, cdr: PickupCdr): string | undefined {
  const assignments = cdrAssignments(cdr);
  if (assignments.length === 0) return undefined;
  return `uuid_setvar_multi ${assertChannelUuid(channelUuid)} ${assignments.join(';')}`;
}

/**
 * Headers of the CUSTOM event announcing a pickup to other event-socket consumers (`fs-pickup-<field>`). Values
 * come partly from callers (a caller name, what was dialled): control characters are replaced so that none can
 * end the sendevent command.
 */
export function pickupEventHeaders(fields: Readonly<Record<string, string | number | undefined>>): Record<string, string> {
  const headers: Record<string, string> = { 'Event-Subclass': PICKUP_EVENT_SUBCLASS };
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    // eslint-disable-next-line no-control-regex
    headers[`fs-pickup-${name}`] = String(value).replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 256);
  }
  return headers;
}
