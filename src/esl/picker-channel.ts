import { randomUUID } from 'node:crypto';
import type { CallKind } from '../domain/call-kind.ts';
import { MEDIA_SETTINGS, mayPlayEarlyMedia } from './early-media.ts';
import { cdrAssignments, type PickupCdr } from './pickup-cdr.ts';
import { PICKER_VARIABLES, type PickupRequest, pickupRequestOf } from './pickup-request.ts';
import { EslUnsafeArgumentError } from './errors.ts';
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

/** What is recorded on the channel for the dialplan's next round, and for FreeSWITCH's CDR. */
export interface AttemptRecord {
  /** Every call tried for this request so far, this one included. */
  readonly tried: readonly string[];
  readonly cdr: PickupCdr;
}

/**
 * A picker's channel, driven over its synchronous socket: the one place that knows which FreeSWITCH applications
 * and variables a pickup uses. Every method writes all its commands in one write; each `sendmsg` runs at once in
 * the channel's thread (no park, no 20 ms tick), so an intercept starts as soon as it is written, and the channel
 * leaves the socket right after it — the bridge to the caller waits for that (16b2).
 */
export class PickerChannel {
  /** The request the channel presents; undefined when its data names no usable channel. */
  readonly request: PickupRequest | undefined;

  constructor(private readonly session: SocketSession) {
    this.request = pickupRequestOf(session.channel);
  }

  /** performance.now() when the request (the channel's data) had arrived. */
  get receivedAt(): number {
    return this.session.openedAt;
  }

  /** Resolves when the channel's socket has closed (the picker bridged, sent on, hung up, or the session ended). */
  get closed(): Promise<void> {
    return this.session.closed;
  }

  /**
   * Runs `intercept <call's leg>` on the picker and lets the channel go: one write of the intercept, what the next
   * round and the CDR need, the cancel of the dialplan's bound and `exit`. Nothing goes before the intercept but a
   * guard the call's kind needs that the channel does not have (the dialplan set the one for ringing calls). The
   * outcome shows on the node's event socket: the picker bridged to the call (16b: only after the exit), or the
   * channel back in the dialplan's next round when FreeSWITCH refused the intercept (the call was answered or gone),
   * or its hangup.
   */
  intercept(callUuid: string, kind: CallKind, attempt: AttemptRecord): void {
    const guards = INTERCEPT_GUARDS[kind].filter((guard) => {
      const [name, value] = guard.split('=') as [string, string];
      // FreeSWITCH reads an unset guard as false.
      return (this.session.channel[`variable_${name}`] || 'false') !== value;
    });
    this.session.send([
      ...guards.map(set),
      executeCommand('intercept', assertChannelUuid(callUuid), randomUUID()),
      this.recordAttempt(attempt, callUuid),
      ...this.releaseCommands(),
    ]);
  }

  /**
   * Sends the picker to another node: `bridge ${fs_pickup_bridge}` after the socket (00_fs_pickup.xml) dials
   * `dialString`. Ends the session.
   */
  handOff(dialString: string, callUuid: string, attempt: AttemptRecord): void {
    this.session.send([this.recordAttempt(attempt, callUuid, [`${PICKER_VARIABLES.bridge}=${dialString}`]), ...this.releaseCommands()]);
  }

  /**
   * Ends a refused or failed pickup: the tone, then the hangup cause (which sets the SIP answer). The tone needs early
   * media; on a channel whose offer FreeSWITCH could not negotiate (early-media.ts) it would hang the picker up with
   * 488 before our cause runs, so such a picker gets the cause alone. The media settings are read first with `getvar`
   * (one write, one round trip): FreeSWITCH takes a global one (vars.xml) where the channel has none, and the
   * channel data shows only the channel's own.
   */
  async refuse(tone: string, cause: string): Promise<void> {
    const values = await Promise.all(this.session.send(MEDIA_SETTINGS.map((name) => ({ line: `getvar ${name}` }))));
    // An unset variable has an empty reply, which mod_event_socket answers as `-ERR command not found` (16g).
    const settings = Object.fromEntries(MEDIA_SETTINGS.map((name, index) => [`variable_${name}`, values[index]?.startsWith('-ERR') ? '' : (values[index] ?? '')]));
    const playback = mayPlayEarlyMedia({ ...this.session.channel, ...settings }) ? [executeCommand('playback', tone, randomUUID())] : [];
    const replies = this.session.send([...playback, hangupCommand(cause), EXIT_COMMAND]);
    // Not the exit's reply: it is never read once the hangup has run (16d3).
    await Promise.all(replies.slice(0, -1));
  }

  // The calls tried, the one this round goes for (the next round releases it if the channel comes back), and what
  // the CDR should show: one `multiset` (one application, values split on spaces — none holds one), written with the
  // command that acts, so no round trip of its own.
  private recordAttempt(attempt: AttemptRecord, callUuid: string, more: readonly string[] = []): SocketCommand {
    const assignments = [
      `${PICKER_VARIABLES.tried}=${attempt.tried.map(assertChannelUuid).join(',')}`,
      `${PICKER_VARIABLES.previous}=${assertChannelUuid(callUuid)}`,
      ...cdrAssignments(attempt.cdr),
      ...more,
    ];
    for (const assignment of assignments) if (/\s/.test(assignment)) throw new EslUnsafeArgumentError(`a multiset value holds a space: ${JSON.stringify(assignment.slice(0, 80))}`);
    return executeCommand('multiset', assignments.join(' '), randomUUID());
  }

  // The dialplan armed a scheduled 503 for a controller that hangs (sched_hangup): cancel it, then leave.
  private releaseCommands(): SocketCommand[] {
    return [executeCommand('sched_cancel', undefined, randomUUID()), EXIT_COMMAND];
  }
}

function set(assignment: string): SocketCommand {
  return executeCommand('set', assignment, randomUUID());
}
