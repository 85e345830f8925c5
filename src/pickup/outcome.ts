/** Why a pickup did not connect the picker to a call. Each maps to a hangup cause (and so a SIP answer). */
export type PickupFailure =
  | 'unauthenticated' // the channel did not authenticate as a directory user
  | 'invalid-dialled' // not a well-formed pickup code
  | 'not-permitted' // the picker may not pick up that group (or uses the other behaviour)
  | 'nothing-to-pick' // no pickable call is ringing (any more)
  | 'unavailable'; // Redis or the switch did not answer

/**
 * How a pickup request's socket session ended: the picker sent on to a call — intercepted on its own node, or sent
 * to the call's node, which intercepts it — or refused. Whether a call sent to was picked up shows later, on the
 * node's event socket (the request's record says).
 */
export type PickupOutcome =
  | { readonly result: 'sent'; readonly to: 'intercept' | 'call-node'; readonly callUuid: string; readonly attempts: number }
  | { readonly result: 'failed'; readonly failure: PickupFailure; readonly attempts: number };

/** Hangup causes per failure, chosen for the SIP answer FreeSWITCH maps them to (captures README, runs 4–5). */
export const DEFAULT_FAILURE_CAUSES: Readonly<Record<PickupFailure, string>> = Object.freeze({
  unauthenticated: 'CALL_REJECTED', // 603 Decline
  'invalid-dialled': 'UNALLOCATED_NUMBER', // 404 Not Found
  'not-permitted': 'OUTGOING_CALL_BARRED', // 403 Forbidden
  'nothing-to-pick': 'NO_ROUTE_DESTINATION', // 404 Not Found
  unavailable: 'NORMAL_TEMPORARY_FAILURE', // 503 Service Unavailable
});
