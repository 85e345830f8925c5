import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClaimStrategy } from '../domain/candidates.ts';
import { parseDialled, type PickupTarget } from '../domain/dialled.ts';
import { decidePickup } from '../domain/permissions.ts';
import { validateDomain, validateExtension, type UserRef } from '../domain/users.ts';
import type { ChannelFact } from '../esl/channel-facts.ts';
import type { EslClient } from '../esl/client.ts';
import { EslCommandError } from '../esl/errors.ts';
import type { EslEvent } from '../esl/event.ts';
import type { CallStore, ClaimedCall } from '../store/call-store.ts';
import type { PreferenceStore } from '../store/preference-store.ts';
import { DEFAULT_FAILURE_CAUSES, type PickupFailure, type PickupOutcome } from './outcome.ts';

type PickupRequest = Extract<ChannelFact, { kind: 'pickup-parked' }>;
type BridgedFact = Extract<ChannelFact, { kind: 'bridged' }>;

export interface PickupSettings {
  /** The feature code, e.g. "88" (must match the dialplan's regex). */
  readonly prefix: string;
  readonly strategy: ClaimStrategy;
  /** Candidates tried per request before giving up (each failed intercept drops that candidate). */
  readonly maxAttempts: number;
  /** How long an intercept may take to complete before it counts as failed. */
  readonly interceptTimeoutMs: number;
  /** How long to wait for the CHANNEL_BRIDGE that confirms a successful intercept (for the log). */
  readonly bridgeTimeoutMs: number;
  /** Played to a picker whose pickup failed, before the hangup. */
  readonly failureTone: string;
  readonly failureCauses: Readonly<Record<PickupFailure, string>>;
  /** Identifies this controller in the cluster-wide "request taken" marker. */
  readonly controllerId: string;
}

export const DEFAULT_PICKUP_SETTINGS: Omit<PickupSettings, 'controllerId'> = Object.freeze({
  prefix: '88',
  strategy: 'random',
  maxAttempts: 3,
  interceptTimeoutMs: 3_000,
  bridgeTimeoutMs: 2_000,
  failureTone: 'tone_stream://%(250,250,480,620);loops=3',
  failureCauses: DEFAULT_FAILURE_CAUSES,
});

/** A request marker outlives any pickup attempt (park_timeout is 8 s in freeswitch-conf). */
const REQUEST_MARKER_TTL_MS = 60_000;

/**
 * Serves pickup requests of one FreeSWITCH node: a phone that dialled the feature code is parked by the
 * dialplan; this checks who it is and what they may pick up, claims one ringing call atomically, and has
 * FreeSWITCH run `intercept` on the picker's channel. A refused or failed pickup ends with a tone and a
 * hangup cause that tells the phone why, never with silence.
 */
export class PickupService {
  private readonly log: Logger;
  private readonly bridgeWaiters = new Map<string, (fact: BridgedFact) => void>();

  constructor(
    private readonly esl: EslClient,
    private readonly calls: CallStore,
    private readonly preferences: PreferenceStore,
    private readonly node: string,
    private readonly settings: PickupSettings,
    logger: Logger,
    private readonly random: () => number = () => randomInt(0, 2 ** 32) / 2 ** 32,
  ) {
    this.log = logger.child({ module: 'pickup', node });
  }

  /** Feeds CHANNEL_BRIDGE facts: they confirm the bridges our intercepts make. */
  noteBridge(fact: BridgedFact): void {
    this.bridgeWaiters.get(fact.aUuid)?.(fact);
  }

  /** Handles one parked pickup request from start to end. Never rejects. */
  async handle(request: PickupRequest): Promise<PickupOutcome> {
    const seenAt = performance.now();
    const log = this.log.child({ pickerUuid: request.pickerUuid });
    const picker = pickerOf(request);
    if (!picker) {
      log.warn({ userName: request.userName?.slice(0, 100), domainName: request.domainName?.slice(0, 100) }, 'pickup refused: caller is not an authenticated directory user');
      return this.fail(request.pickerUuid, 'unauthenticated', 0, log);
    }
    const pickerLog = log.child({ domain: picker.domain, picker: picker.extension });
    const parsed = parseDialled(request.dialled, this.settings.prefix);
    if (!parsed.ok) {
      pickerLog.warn({ rejection: parsed.rejection, dialled: request.dialled.slice(0, 200) }, 'pickup refused: not a valid pickup code');
      return this.fail(request.pickerUuid, 'invalid-dialled', 0, pickerLog);
    }
    try {
      if (!(await this.calls.takeRequest(picker.domain, request.pickerUuid, this.settings.controllerId, REQUEST_MARKER_TTL_MS))) {
        pickerLog.debug('pickup request already taken by another controller');
        return { result: 'abandoned', why: 'handled-elsewhere' };
      }
      return await this.serve(request.pickerUuid, picker, parsed.target, pickerLog, seenAt);
    } catch (error) {
      pickerLog.error({ err: error }, 'pickup failed: store or switch unavailable');
      return this.fail(request.pickerUuid, 'unavailable', 0, pickerLog);
    }
  }

  private async serve(pickerUuid: string, picker: UserRef, target: PickupTarget, log: Logger, seenAt: number): Promise<PickupOutcome> {
    const preferences = await this.preferences.get(picker);
    const decision = decidePickup(preferences, target);
    if (!decision.allowed) {
      log.info({ target, denial: decision.denial }, 'pickup refused: not permitted');
      return this.fail(pickerUuid, decision.denial === 'unsupported-target' ? 'unsupported-target' : 'not-permitted', 0, log);
    }
    // decidePickup allows group targets only (for now).
    const group = (target as Extract<PickupTarget, { kind: 'group' }>).group;
    const groupLog = log.child({ group });
    groupLog.info('pickup requested');
    for (let attempt = 1; attempt <= this.settings.maxAttempts; attempt++) {
      const claimed = await this.calls.claim(picker.domain, { group }, pickerUuid, this.settings.strategy, this.random());
      if (!claimed) {
        groupLog.info({ attempt }, 'nothing to pick up');
        return this.fail(pickerUuid, 'nothing-to-pick', attempt, groupLog);
      }
      const callLog = groupLog.child({ callUuid: claimed.callUuid });
      // decisionMs: from the request's event to the intercept being written (it follows this line at once).
      const decisionMs = Math.round((performance.now() - seenAt) * 1000) / 1000;
      callLog.info({ attempt, callerNumber: claimed.callerNumber, ringingSinceMs: Date.now() - claimed.startedAt, decisionMs }, 'call claimed');
      const result = await this.intercept(pickerUuid, claimed, callLog);
      if (result === 'picked') return { result: 'picked', callUuid: claimed.callUuid, attempts: attempt };
      if (result === 'picker-gone') return { result: 'abandoned', why: 'picker-gone' };
      if (result === 'unavailable') return this.fail(pickerUuid, 'unavailable', attempt, callLog);
    }
    groupLog.info({ attempts: this.settings.maxAttempts }, 'no candidate could be intercepted');
    return this.fail(pickerUuid, 'nothing-to-pick', this.settings.maxAttempts, groupLog);
  }

  /** Runs `intercept` for a claimed call and settles the claim by the result. */
  private async intercept(pickerUuid: string, claimed: ClaimedCall, log: Logger): Promise<'picked' | 'refused' | 'picker-gone' | 'unavailable'> {
    if (claimed.node !== this.node) {
      // Cross-node pickup is not served by this version: give the call back untouched.
      await this.calls.release(claimed.domain, claimed.callUuid, pickerUuid);
      log.warn({ callNode: claimed.node }, 'claimed call rings on another node; released');
      return 'refused';
    }
    const bridged = this.waitForBridge(pickerUuid, claimed.callUuid);
    let completion: EslEvent;
    try {
      // Refuse a call answered since our claim (FreeSWITCH checks it inside intercept: no race). Both messages
      // are written back to back: the channel runs them in order, and no round trip is spent in between.
      const [, intercept] = await Promise.all([
        this.esl.execute(pickerUuid, { app: 'set', arg: 'intercept_unanswered_only=true' }),
        this.esl.execute(pickerUuid, { app: 'intercept', arg: claimed.callUuid }, this.settings.interceptTimeoutMs),
      ]);
      completion = await intercept.completed;
    } catch (error) {
      bridged.cancel();
      await this.calls.release(claimed.domain, claimed.callUuid, pickerUuid).catch(() => false);
      if (error instanceof EslCommandError) {
        log.info({ reply: error.replyText }, 'picker hung up before the intercept; claim released');
        return 'picker-gone';
      }
      log.error({ err: error }, 'intercept not confirmed; claim released');
      return 'unavailable';
    }
    // Success shows on intercept's EXECUTE_COMPLETE: the picker answered and its other leg is the caller (capture 14/14b).
    const picked = completion.headers['Answer-State'] === 'answered' && completion.headers['Other-Leg-Unique-ID'] === claimed.callUuid;
    // Either way the call is not pickable any more: picked up, or answered/gone (why intercept refused it).
    await this.calls.endCall(claimed.domain, claimed.callUuid, claimed.node).catch((error: unknown) => {
      // Its legs' hangup events remove it as well; the pickup itself is settled.
      log.warn({ err: error }, 'could not remove the intercepted call from the store');
    });
    if (!picked) {
      bridged.cancel();
      log.info('intercept refused (call answered or gone meanwhile); trying the next call');
      return 'refused';
    }
    log.info({ callerNumber: claimed.callerNumber }, 'call picked up');
    if (await bridged.confirmed) log.info('pickup bridged');
    else log.warn({ waitedMs: this.settings.bridgeTimeoutMs }, 'intercept succeeded but no bridge was seen');
    return 'picked';
  }

  private waitForBridge(pickerUuid: string, callUuid: string): { confirmed: Promise<boolean>; cancel(): void } {
    let finish!: (confirmed: boolean) => void;
    const confirmed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => finish(false), this.settings.bridgeTimeoutMs);
      finish = (value) => {
        clearTimeout(timer);
        this.bridgeWaiters.delete(pickerUuid);
        resolve(value);
      };
    });
    this.bridgeWaiters.set(pickerUuid, (fact) => {
      if (fact.bUuid === callUuid) finish(true);
    });
    return { confirmed, cancel: () => finish(false) };
  }

  /** Ends a failed pickup audibly: a tone (held with event-lock so the hangup waits for it), then the cause. */
  private async fail(pickerUuid: string, failure: PickupFailure, attempts: number, log: Logger): Promise<PickupOutcome> {
    const cause = this.settings.failureCauses[failure];
    try {
      await this.esl.execute(pickerUuid, { app: 'playback', arg: this.settings.failureTone, eventLock: true });
      await this.esl.hangup(pickerUuid, cause);
      log.info({ failure, cause }, 'pickup failed; picker hung up');
    } catch (error) {
      log.warn({ err: error, failure, cause }, 'could not end the failed pickup; the dialplan park_timeout will');
    }
    return { result: 'failed', failure, attempts };
  }
}

function pickerOf(request: PickupRequest): UserRef | undefined {
  const { userName, domainName } = request;
  if (!userName || !domainName || validateExtension(userName) || validateDomain(domainName)) return undefined;
  return { extension: userName, domain: domainName };
}
