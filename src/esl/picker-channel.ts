import { randomUUID } from 'node:crypto';
import type { CallKind } from '../domain/call-kind.ts';
import { PICKER_VARIABLES, type PickupRequest, pickupRequestOf } from './pickup-request.ts';
import { assertChannelUuid } from './safe-args.ts';
import { EXIT_COMMAND, executeCommand, hangupCommand, type SocketCommand, type SocketSession } from './socket-session.ts';

/**
 * What keeps an intercept from stealing a call that was answered since it was claimed. A queue member is answered
 * by mod_callcenter on entry, so for it "answered" means "bridged to an agent" (captures 09, 09e) — and the
 * unanswered-only guard our dialplan sets on every picker must be lifted, or FreeSWITCH refuses the member.
 */
const INTERCEPT_GUARDS: Readonly<Record<CallKind, readonly string[]>> = Object.freeze({
  user: ['intercept_unanswered_only=true', 'intercept_unbridged_only=false'],
  callcenter: ['intercept_unanswered_only=false', 'intercept_unbridged_only=true'],
});

/** How an intercept on the picker's channel ended. */
export type InterceptResult = 'picked' | 'refused' | 'picker-gone';

/** What is recorded on the channel for the dialplan's next round (and the CDR). */
export interface AttemptRecord {
  /** Every call tried for this request so far, this one included. */
  readonly tried: readonly string[];
}

/**
 * A picker's channel, driven over its synchronous socket: the one place that knows which FreeSWITCH applications
 * and variables a pickup uses. Every method writes all its commands in one write; each `sendmsg` runs at once in
 * the channel's thread (no park, no 20 ms tick), so an intercept starts as soon as it is written.
 */
export class PickerChannel {
  /** The request the channel presents; undefined when its data names no usable channel. */
  readonly request: PickupRequest | undefined;

  constructor(private readonly session: SocketSession) {
    this.request = pickupRequestOf(session.channel);
  }

  /** Resolves when the channel's socket has closed (the picker bridged, sent on, hung up, or the session ended). */
  get closed(): Promise<void> {
    return this.session.closed;
  }

  /**
   * Runs `intercept <call's leg>` on the picker, after the guard for that kind of call, and tells how it went by
   * the intercept's own CHANNEL_EXECUTE_COMPLETE (success: the picker answered, its other leg the call; capture
   * 16b). The channel stays on the socket: `finish()` lets the bridge happen, or another call is tried.
   */
  async intercept(callUuid: string, kind: CallKind, attempt: AttemptRecord, timeoutMs: number): Promise<InterceptResult> {
    const eventUuid = randomUUID();
    const outcome = this.session.waitForEvent(
      (event) => {
        if (event.name !== 'CHANNEL_EXECUTE_COMPLETE' || event.headers['Application-UUID'] !== eventUuid) return undefined;
        return event.headers['Answer-State'] === 'answered' && event.headers['Other-Leg-Unique-ID'] === callUuid ? 'picked' : 'refused';
      },
      timeoutMs,
    );
    this.session.send([
      ...this.recordAttempt(attempt, undefined),
      ...INTERCEPT_GUARDS[kind].map((guard) => set(guard)),
      executeCommand('intercept', assertChannelUuid(callUuid), eventUuid),
    ]);
    return (await outcome) ?? 'picker-gone';
  }

  /**
   * Sends the picker to another node: `bridge ${fs_pickup_bridge}` after the socket (00_fs_pickup.xml) dials
   * `dialString`. Ends the session.
   */
  handOff(dialString: string, callUuid: string, attempt: AttemptRecord): void {
    this.session.send([...this.recordAttempt(attempt, callUuid), set(`${PICKER_VARIABLES.bridge}=${dialString}`), ...this.releaseCommands()]);
  }

  /** Lets the channel go on after a successful intercept: the bridge to the caller follows at once. */
  finish(): void {
    this.session.send(this.releaseCommands());
  }

  /** Ends a refused or failed pickup audibly: the tone, then the hangup cause (which sets the SIP answer). */
  async refuse(tone: string, cause: string): Promise<void> {
    const [played, hungUp] = this.session.send([executeCommand('playback', tone, randomUUID()), hangupCommand(cause), EXIT_COMMAND]);
    await played;
    await hungUp;
  }

  /** Closes the socket without a word: FreeSWITCH goes on with the dialplan's next round. */
  abandon(): void {
    this.session.close();
  }

  // The calls tried, and the one handed to another node (the next round releases it if the channel comes back).
  private recordAttempt(attempt: AttemptRecord, handedOff: string | undefined): SocketCommand[] {
    return [set(`${PICKER_VARIABLES.tried}=${attempt.tried.map(assertChannelUuid).join(',')}`), set(`${PICKER_VARIABLES.handedOff}=${handedOff ?? ''}`)];
  }

  // The dialplan armed a scheduled 503 for a controller that hangs (sched_hangup): cancel it, then leave.
  private releaseCommands(): SocketCommand[] {
    return [executeCommand('sched_cancel', undefined, randomUUID()), EXIT_COMMAND];
  }
}

function set(assignment: string): SocketCommand {
  return executeCommand('set', assignment, randomUUID());
}
