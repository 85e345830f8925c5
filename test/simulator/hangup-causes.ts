/**
 * Hangup causes: their Q.850 numbers, the SIP answers mod_sofia turns them into (and back), and
 * `switch_channel_handle_cause`'s rule for whether a failed bridge ends the caller.
 */

const Q850: Readonly<Record<string, number>> = {
  UNALLOCATED_NUMBER: 1, NO_ROUTE_DESTINATION: 3, NORMAL_CLEARING: 16, USER_BUSY: 17, NO_USER_RESPONSE: 18,
  NO_ANSWER: 19, CALL_REJECTED: 21, DESTINATION_OUT_OF_ORDER: 27, NORMAL_TEMPORARY_FAILURE: 41, OUTGOING_CALL_BARRED: 52, INCOMPATIBLE_DESTINATION: 88, ORIGINATOR_CANCEL: 487, SYSTEM_SHUTDOWN: 501, LOSE_RACE: 502,
  MANAGER_REQUEST: 503, PICKED_OFF: 605,
};

/** The Q.850 number of a cause (hangup_cause_q850, the Reason header); 16 for causes not listed. */
export function q850Of(cause: string): number {
  return Q850[cause] ?? 16;
}

// mod_sofia's hangup_cause_to_sip for the causes the simulator uses; everything else is 480.
const SIP_STATUS: Readonly<Record<string, number>> = {
  UNALLOCATED_NUMBER: 404, NO_ROUTE_DESTINATION: 404, USER_BUSY: 486, NO_USER_RESPONSE: 408, CALL_REJECTED: 603,
  DESTINATION_OUT_OF_ORDER: 502, NORMAL_TEMPORARY_FAILURE: 503, ORIGINATOR_CANCEL: 487, OUTGOING_CALL_BARRED: 403,
  INCOMPATIBLE_DESTINATION: 488,
};

const SIP_PHRASE: Readonly<Record<number, string>> = {
  403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 480: 'Temporarily Unavailable', 486: 'Busy Here',
  487: 'Request Terminated', 488: 'Not Acceptable Here', 502: 'Bad Gateway', 503: 'Service Unavailable', 603: 'Decline',
};

/** The SIP status a refused INVITE is answered with for a hangup cause (14c: NORMAL_CLEARING → 480). */
export function sipStatusOf(cause: string): number {
  return SIP_STATUS[cause] ?? 480;
}

/** The reason phrase of a SIP status. */
export function sipPhraseOf(status: number): string {
  return SIP_PHRASE[status] ?? 'Unknown';
}

// sofia_glue_sip_cause_to_freeswitch, for answers that carry no Reason header (403 from an ACL, 503 from the transport).
const CAUSE_OF_STATUS: Readonly<Record<number, string>> = { 403: 'CALL_REJECTED', 503: 'NORMAL_TEMPORARY_FAILURE' };

/** The cause mod_sofia gives an outbound leg refused with `status` and no `Reason: Q.850` header. */
export function causeOfSipStatus(status: number): string {
  return CAUSE_OF_STATUS[status] ?? 'NORMAL_TEMPORARY_FAILURE';
}

/** The `Reason` header FreeSWITCH puts on BYEs and error answers (read back as `sip_reason`). */
export function reasonHeader(cause: string): string {
  return `Q.850;cause=${q850Of(cause)};text="${cause}"`;
}

// Without continue_on_fail these never end the caller (switch_channel.c).
const ALWAYS_CONTINUE = new Set(['NO_ANSWER', 'NO_USER_RESPONSE', 'ORIGINATOR_CANCEL']);

/**
 * `switch_channel_handle_cause`: whether a caller whose bridge failed with `cause` goes on with what it
 * was doing (true) or is hung up with that cause. `continue_on_fail` is `true`, or a list of cause names
 * or numbers; `failure_causes` and `transfer_on_fail` are not modelled.
 */
export function continuesAfterFailure(continueOnFail: string | undefined, cause: string): boolean {
  if (continueOnFail === undefined) return ALWAYS_CONTINUE.has(cause);
  if (['true', 'yes', 'on', '1'].includes(continueOnFail.toLowerCase())) return true;
  const listed = continueOnFail.split(',').map((entry) => entry.trim().toUpperCase());
  return listed.includes(cause) || listed.includes(String(q850Of(cause)));
}
