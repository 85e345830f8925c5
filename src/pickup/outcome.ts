/** Why a pickup did not connect the picker to a call. Each maps to a hangup cause (and so a SIP answer). */
export type PickupFailure =
  | 'unauthenticated' // the channel did not authenticate as a directory user
  | 'invalid-dialled' // not a well-formed pickup code
  | 'not-permitted' // the picker may not pick up that group (or uses the other behaviour)
  | 'nothing-to-pick' // no pickable call is ringing (any more)
  | 'unavailable'; // Redis or the switch did not answer

/** What happened to one pickup request. */
export type PickupOutcome =
  | { readonly result: 'picked'; readonly callUuid: string; readonly attempts: number }
  /** The call rings on another node: the picker was sent there (that node intercepts it). */
  | { readonly result: 'handed-off'; readonly callUuid: string; readonly attempts: number }
  | { readonly result: 'failed'; readonly failure: PickupFailure; readonly attempts: number }
  /** The picker hung up first: nothing more to do. */
  | { readonly result: 'abandoned'; readonly why: 'picker-gone' };

/** Hangup causes per failure, chosen for the SIP answer FreeSWITCH maps them to (captures README, runs 4–5). */
export const DEFAULT_FAILURE_CAUSES: Readonly<Record<PickupFailure, string>> = Object.freeze({
  unauthenticated: 'CALL_REJECTED', // 603 Decline
  'invalid-dialled': 'UNALLOCATED_NUMBER', // 404 Not Found
  'not-permitted': 'OUTGOING_CALL_BARRED', // 403 Forbidden
  'nothing-to-pick': 'NO_ROUTE_DESTINATION', // 404 Not Found
  unavailable: 'NORMAL_TEMPORARY_FAILURE', // 503 Service Unavailable
});
