import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClaimStrategy } from '../domain/candidates.ts';
import { parseDialled, type PickupTarget } from '../domain/dialled.ts';
import { mayPickUpExtension, type PickupSearch, planPickup } from '../domain/permissions.ts';
import { validateDomain, validateExtension, type UserRef } from '../domain/users.ts';
import type { ChannelFact } from '../esl/channel-facts.ts';
import type { EslClient } from '../esl/client.ts';
import type { EslEvent } from '../esl/event.ts';
import type { CallStore, CandidateIndex, ClaimedCall } from '../store/call-store.ts';
import type { NodeRegistry } from '../store/node-registry.ts';
import type { PreferenceStore } from '../store/preference-store.ts';
import type { TokenStore } from '../store/token-store.ts';
import { ChannelWatches } from './channel-watches.ts';
import { DEFAULT_HANDOFF_SETTINGS, Handoff } from './handoff.ts';
import { intercept } from './intercept.ts';
import { DEFAULT_FAILURE_CAUSES, type PickupFailure, type PickupOutcome } from './outcome.ts';

type PickupRequest = Extract<ChannelFact, { kind: 'pickup-parked' }>;
type TokenRequest = Extract<ChannelFact, { kind: 'token-parked' }>;

export interface PickupSettings {
  /** The feature code, e.g. "88" (must match the dialplan's regex). */
  readonly prefix: string;
  readonly strategy: ClaimStrategy;
  /** Candidates tried per request before giving up (each failed attempt drops or releases that candidate). */
  readonly maxAttempts: number;
  /** How long an intercept may take to complete before it counts as failed. */
  readonly interceptTimeoutMs: number;
  /** How long to wait for the CHANNEL_BRIDGE that confirms a successful intercept (for the log). */
  readonly bridgeTimeoutMs: number;
  /** Played to a picker whose pickup failed, before the hangup. */
  readonly failureTone: string;
  readonly failureCauses: Readonly<Record<PickupFailure, string>>;
  /** The SIP profile that reaches other nodes (cross-node pickup). */
  readonly clusterSipProfile: string;
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
  clusterSipProfile: 'cluster',
});

/** The stores the pickup service works with. */
export interface PickupStores {
  readonly calls: CallStore;
  readonly preferences: PreferenceStore;
  readonly registry: NodeRegistry;
  readonly tokens: TokenStore;
}

/** A request marker outlives any pickup attempt (park_timeout is 8 s in freeswitch-conf). */
const REQUEST_MARKER_TTL_MS = 60_000;
/** Where the marker of a request without a usable domain goes (a hash tag of its own; no domain has this name). */
const UNKNOWN_DOMAIN = '-';

/**
 * Serves pickup requests of one FreeSWITCH node: a phone that dialled the feature code is parked by the
 * dialplan; this checks who it is and what they may pick up, claims one ringing call atomically, and has
 * FreeSWITCH run `intercept` on the picker's channel — or, when the call rings on another node, sends the
 * picker there (Handoff). A refused or failed pickup ends with a tone and a hangup cause that tells the phone
 * why, never with silence.
 */
export class PickupService {
  private readonly log: Logger;
  private readonly watches = new ChannelWatches();
  private readonly handoff: Handoff;

  constructor(
    private readonly esl: EslClient,
    private readonly stores: PickupStores,
    private readonly node: string,
    private readonly settings: PickupSettings,
    logger: Logger,
    private readonly random: () => number = () => randomInt(0, 2 ** 32) / 2 ** 32,
  ) {
    this.log = logger.child({ module: 'pickup', node });
    this.handoff = new Handoff(esl, stores.calls, stores.registry, stores.tokens, this.watches, node, {
      ...DEFAULT_HANDOFF_SETTINGS,
      sipProfile: settings.clusterSipProfile,
      interceptTimeoutMs: settings.interceptTimeoutMs,
      bridgeTimeoutMs: settings.bridgeTimeoutMs,
    });
  }

  /** Feeds every event: pickups in progress wait on their channels' events. */
  observe(event: EslEvent): void {
    this.watches.observe(event);
  }

  /** A token leg from another node's picker arrived here. Never rejects. */
  async acceptToken(request: TokenRequest): Promise<void> {
    try {
      await this.handoff.acceptToken(request, this.log);
    } catch (error) {
      this.log.error({ err: error, tokenLegUuid: request.legUuid }, 'token call failed: store or switch unavailable');
      await this.esl.hangup(request.legUuid, this.settings.failureCauses.unavailable).catch(() => undefined);
    }
  }

  /** Handles one parked pickup request from start to end. Never rejects. */
  async handle(request: PickupRequest): Promise<PickupOutcome> {
    const seenAt = performance.now();
    const log = this.log.child({ pickerUuid: request.pickerUuid });
    const picker = pickerOf(request);
    // Taken first, whatever follows: with two controllers on a node exactly one answers, refusals included.
    try {
      if (!(await this.stores.calls.takeRequest(picker?.domain ?? UNKNOWN_DOMAIN, request.pickerUuid, this.settings.controllerId, REQUEST_MARKER_TTL_MS))) {
        log.debug('pickup request already taken by another controller');
        return { result: 'abandoned', why: 'handled-elsewhere' };
      }
    } catch (error) {
      log.error({ err: error }, 'pickup failed: store unavailable');
      return this.fail(request.pickerUuid, 'unavailable', 0, log);
    }
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
      return await this.serve(request.pickerUuid, picker, parsed.target, pickerLog, seenAt);
    } catch (error) {
      pickerLog.error({ err: error }, 'pickup failed: store or switch unavailable');
      return this.fail(request.pickerUuid, 'unavailable', 0, pickerLog);
    }
  }

  private async serve(pickerUuid: string, picker: UserRef, target: PickupTarget, log: Logger, seenAt: number): Promise<PickupOutcome> {
    const preferences = await this.stores.preferences.get(picker);
    const plan = planPickup(preferences, target);
    if (!plan.allowed) {
      log.info({ target, denial: plan.denial }, 'pickup refused: not permitted');
      return this.fail(pickerUuid, 'not-permitted', 0, log);
    }
    const index = candidateIndexOf(plan.search);
    // The index names what is searched: { group }, { extension }, { aclGroups } or { queue }.
    const searchLog = log.child({ ...index });
    if (plan.search.kind === 'extension') {
      // Directed pickup: the rule is about the user whose phone rings, so their preferences decide.
      const permission = mayPickUpExtension(preferences, await this.stores.preferences.get({ extension: plan.search.extension, domain: picker.domain }));
      if (!permission.allowed) {
        searchLog.info({ denial: permission.denial }, 'pickup refused: not permitted');
        return this.fail(pickerUuid, 'not-permitted', 0, searchLog);
      }
    }
    searchLog.info('pickup requested');
    // Calls another node could not connect stay claimed until this request ends, so that the next attempt
    // takes another call instead of the same one; then they are offered again.
    const heldBack: ClaimedCall[] = [];
    try {
      return await this.attempts(pickerUuid, picker, index, searchLog, seenAt, heldBack);
    } finally {
      for (const claimed of heldBack) await this.stores.calls.release(claimed.domain, claimed.callUuid, pickerUuid).catch(() => false);
    }
  }

  /** Claims and tries candidates until one is picked up or none is left. */
  private async attempts(pickerUuid: string, picker: UserRef, index: CandidateIndex, searchLog: Logger, seenAt: number, heldBack: ClaimedCall[]): Promise<PickupOutcome> {
    for (let attempt = 1; attempt <= this.settings.maxAttempts; attempt++) {
      const liveNodes = await this.stores.registry.liveNodes();
      const claimed = await this.stores.calls.claim(picker.domain, index, pickerUuid, this.settings.strategy, this.random(), liveNodes);
      if (!claimed) {
        searchLog.info({ attempt }, 'nothing to pick up');
        return this.fail(pickerUuid, 'nothing-to-pick', attempt, searchLog);
      }
      const callLog = searchLog.child({ callUuid: claimed.callUuid, callNode: claimed.node });
      // decisionMs: from the request's event to the intercept (or hand-off) being written, which follows at once.
      const decisionMs = Math.round((performance.now() - seenAt) * 1000) / 1000;
      callLog.info({ attempt, callerNumber: claimed.callerNumber, ringingSinceMs: Date.now() - claimed.startedAt, decisionMs }, 'call claimed');
      const result = claimed.node === this.node ? await this.interceptHere(pickerUuid, claimed, callLog) : await this.sendElsewhere(pickerUuid, claimed, callLog, heldBack);
      if (result === 'picked') return { result: 'picked', callUuid: claimed.callUuid, attempts: attempt };
      if (result === 'picker-gone') return { result: 'abandoned', why: 'picker-gone' };
      if (result === 'unavailable') return this.fail(pickerUuid, 'unavailable', attempt, callLog);
    }
    searchLog.info({ attempts: this.settings.maxAttempts }, 'no candidate could be intercepted');
    return this.fail(pickerUuid, 'nothing-to-pick', this.settings.maxAttempts, searchLog);
  }

  /** The call rings on this node: intercept it on the picker's channel and settle the claim by the result. */
  private async interceptHere(pickerUuid: string, claimed: ClaimedCall, log: Logger): Promise<'picked' | 'refused' | 'picker-gone' | 'unavailable'> {
    const { result, error, bridged } = await intercept(this.esl, this.watches, pickerUuid, claimed.callUuid, claimed.callKind, {
      interceptMs: this.settings.interceptTimeoutMs,
      bridgeMs: this.settings.bridgeTimeoutMs,
    });
    if (result === 'channel-gone' || result === 'unavailable') {
      await this.stores.calls.release(claimed.domain, claimed.callUuid, pickerUuid).catch(() => false);
      if (result === 'channel-gone') log.info('picker hung up before the intercept; claim released');
      else log.error({ err: error }, 'intercept not confirmed; claim released');
      return result === 'channel-gone' ? 'picker-gone' : 'unavailable';
    }
    // Either way the call is not pickable any more: picked up, or answered/gone (why intercept refused it).
    await this.stores.calls.endCall(claimed.domain, claimed.callUuid, claimed.node).catch((storeError: unknown) => {
      // Its legs' hangup events remove it as well; the pickup itself is settled.
      log.warn({ err: storeError }, 'could not remove the intercepted call from the store');
    });
    if (result === 'refused') {
      log.info('intercept refused (call answered or gone meanwhile); trying the next call');
      return 'refused';
    }
    log.info({ callerNumber: claimed.callerNumber }, 'call picked up');
    if (await bridged) log.info('pickup bridged');
    else log.warn({ waitedMs: this.settings.bridgeTimeoutMs }, 'intercept succeeded but no bridge was seen');
    return 'picked';
  }

  /** The call rings on another node: hand the picker over; unless picked, the claim is held back for release. */
  private async sendElsewhere(pickerUuid: string, claimed: ClaimedCall, log: Logger, heldBack: ClaimedCall[]): Promise<'picked' | 'refused' | 'picker-gone' | 'unavailable'> {
    const result = await this.handoff.sendPicker(pickerUuid, claimed, log);
    if (result === 'picked') {
      await this.stores.calls.endCall(claimed.domain, claimed.callUuid, claimed.node).catch(() => false);
      log.info({ callerNumber: claimed.callerNumber }, 'call picked up');
      return 'picked';
    }
    // The call's node dropped the call if it was not pickable; otherwise it is offered again once this request ends.
    heldBack.push(claimed);
    if (result === 'refused') log.info('the call’s node did not connect the picker; trying the next call');
    return result;
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

/** The store index a permitted search claims from. */
function candidateIndexOf(search: PickupSearch): CandidateIndex {
  switch (search.kind) {
    case 'group':
      return { group: search.group };
    case 'extension':
      return { extension: search.extension };
    case 'acl-groups':
      return { aclGroups: search.aclGroups };
    case 'queue':
      return { queue: search.queueId };
  }
}

function pickerOf(request: PickupRequest): UserRef | undefined {
  const { userName, domainName } = request;
  if (!userName || !domainName || validateExtension(userName) || validateDomain(domainName)) return undefined;
  return { extension: userName, domain: domainName };
}
