import type { CallKind } from '../esl/channel-facts.ts';
import type { EslClient } from '../esl/client.ts';
import { EslCommandError } from '../esl/errors.ts';
import type { ChannelWatches } from './channel-watches.ts';

/**
 * What keeps an intercept from stealing a call that was answered since it was claimed. A queue member is answered
 * by mod_callcenter on entry, so for it "answered" means "bridged to an agent" (captures 09, 09e) — and the
 * unanswered-only guard our dialplan sets on every picker must be lifted, or FreeSWITCH refuses the member.
 */
const GUARDS: Readonly<Record<CallKind, readonly string[]>> = Object.freeze({
  user: ['intercept_unanswered_only=true'],
  callcenter: ['intercept_unanswered_only=false', 'intercept_unbridged_only=true'],
});

/** How an intercept ended: the call is bridged to the channel, FreeSWITCH refused it, or it could not run. */
export type InterceptResult = 'picked' | 'refused' | 'channel-gone' | 'unavailable';

/**
 * Runs `intercept <callUuid>` on `channelUuid` (a parked picker, or a token leg from another node) and tells
 * how it went. `intercept_unanswered_only=true` (`intercept_unbridged_only=true` for a queue member) makes
 * FreeSWITCH refuse a call answered since it was claimed, inside the intercept itself, so there is no race. Success shows on the intercept's EXECUTE_COMPLETE:
 * `Answer-State: answered` and `Other-Leg-Unique-ID` = the call (captures 14/14b); a refusal shows neither.
 * `bridged` resolves when the CHANNEL_BRIDGE that follows a success is seen (false after `bridgeTimeoutMs`).
 */
export async function intercept(
  esl: EslClient,
  watches: ChannelWatches,
  channelUuid: string,
  callUuid: string,
  callKind: CallKind,
  timeouts: { readonly interceptMs: number; readonly bridgeMs: number },
): Promise<{ result: InterceptResult; error?: unknown; bridged: Promise<boolean> }> {
  const bridge = watches.waitFor(channelUuid, (event) => (event.name === 'CHANNEL_BRIDGE' && event.headers['Bridge-B-Unique-ID'] === callUuid ? true : undefined), timeouts.interceptMs + timeouts.bridgeMs);
  const bridged = bridge.result.then((seen) => seen === true);
  try {
    // Both messages are written back to back: the channel runs them in order, no round trip in between.
    const guards = GUARDS[callKind].map((arg) => esl.execute(channelUuid, { app: 'set', arg }));
    const [running] = await Promise.all([esl.execute(channelUuid, { app: 'intercept', arg: callUuid }, timeouts.interceptMs), ...guards]);
    const completion = await running.completed;
    const picked = completion.headers['Answer-State'] === 'answered' && completion.headers['Other-Leg-Unique-ID'] === callUuid;
    if (!picked) bridge.cancel();
    return { result: picked ? 'picked' : 'refused', bridged };
  } catch (error) {
    bridge.cancel();
    // sendmsg to a channel that is gone: `-ERR invalid session id`.
    return { result: error instanceof EslCommandError ? 'channel-gone' : 'unavailable', error, bridged };
  }
}
