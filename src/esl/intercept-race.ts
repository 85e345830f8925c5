import type { EslEvent } from './event.ts';

/**
 * A caller's leg hung up by FreeSWITCH's own intercept race (capture 18): hung up with PICKED_OFF although it was
 * answered (the intercept answered it) and bridged to a picker (Other-Leg-Unique-ID). A ringing leg an intercept
 * takes away is also hung up PICKED_OFF, but never answered; the loopback partner of a dropped `loopback/…-b` names
 * no other leg, so one drop counts once. Pure.
 */
export function isDroppedCaller(event: EslEvent): boolean {
  const h = event.headers;
  return event.name === 'CHANNEL_HANGUP' && h['Hangup-Cause'] === 'PICKED_OFF' && h['Channel-Call-State'] === 'ACTIVE' && Boolean(h['Other-Leg-Unique-ID']);
}
