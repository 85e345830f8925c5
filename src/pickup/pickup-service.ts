import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClaimStrategy } from '../domain/candidates.ts';
import { parseDialled, type PickupTarget } from '../domain/dialled.ts';
import { mayPickUpExtension, type PickupDenial, type PickupSearch, planPickup } from '../domain/permissions.ts';
import { validateDomain, validateExtension, type UserRef } from '../domain/users.ts';
import type { Handoff } from '../cluster/handoff.ts';
import { reasonOf } from '../logger.ts';
import type { PickerChannel } from '../esl/picker-channel.ts';
import type { PickupRequest } from '../esl/pickup-request.ts';
import type { CallStore, CandidateIndex, ClaimedCall } from '../store/call-store.ts';
import type { NodeRegistry } from '../store/node-registry.ts';
import type { PreferenceCache } from '../store/preference-cache.ts';
import type { ChannelWatches } from './channel-watches.ts';
import { DEFAULT_FAILURE_CAUSES, type PickupFailure, type PickupOutcome } from './outcome.ts';

export interface PickupSettings {
  /** The feature code, e.g. "88" (must match the dialplan's regex). */
  readonly prefix: string;
  readonly strategy: ClaimStrategy;
  /** Calls tried per request before giving up (a refused intercept or a failed hand-off counts as one). */
  readonly maxAttempts: number;
  /** How long an intercept may take to complete before it counts as failed. */
  readonly interceptTimeoutMs: number;
  /** How long the picker's events are followed after the decision (bridge, answer), for the log. */
  readonly confirmTimeoutMs: number;
  /** Played to a picker whose pickup failed, before the hangup. */
  readonly failureTone: string;
  readonly failureCauses: Readonly<Record<PickupFailure, string>>;
}

export const DEFAULT_PICKUP_SETTINGS: PickupSettings = Object.freeze({
  prefix: '88',
  strategy: 'random',
  maxAttempts: 3,
  interceptTimeoutMs: 3_000,
  confirmTimeoutMs: 8_000,
  failureTone: 'tone_stream://%(250,250,480,620);loops=3',
  failureCauses: DEFAULT_FAILURE_CAUSES,
});

/** The stores the pickup service works with. */
export interface PickupStores {
  readonly calls: CallStore;
  readonly preferences: PreferenceCache;
  readonly registry: NodeRegistry;
}

/** The node a request came from: its name, and the events of its channels (for what follows the decision). */
export interface PickerNode {
  readonly name: string;
  readonly watches: ChannelWatches;
}

/** What a permitted request claims from, or why it is refused. */
type Decision = { readonly claimed: ClaimedCall } | { readonly nothing: true } | { readonly denial: PickupDenial };

/** How many times a decision is taken again on fresh preferences (a refusal, or a claim that found them changed). */
const DECISION_PASSES = 3;

/**
 * Serves pickup requests. A phone that dialled the feature code connects to the controller through the dialplan's
 * synchronous socket; this checks who it is and what they may pick up (preferences held in memory), claims one
 * ringing call atomically (one Redis round trip), and runs `intercept` on the picker's channel over that socket —
 * or, when the call rings on another node, has the picker's node send the picker there (Handoff). A refused or
 * failed pickup ends with a tone and a hangup cause that tells the phone why, never with silence.
 */
export class PickupService {
  private readonly log: Logger;

  constructor(
    private readonly stores: PickupStores,
    private readonly handoff: Handoff,
    private readonly settings: PickupSettings,
    logger: Logger,
    private readonly random: () => number = () => randomInt(0, 2 ** 32) / 2 ** 32,
  ) {
    this.log = logger.child({ module: 'pickup' });
  }

  /**
   * Serves one request from start to end. `node` is the picker's node (undefined: a FreeSWITCH this controller
   * does not serve); `acceptedAt` is when its socket was accepted (performance.now()). Never rejects.
   */
  async serve(picker: PickerChannel, node: PickerNode | undefined, acceptedAt: number): Promise<PickupOutcome> {
    const request = picker.request;
    const log = this.log.child({ pickerUuid: request?.pickerUuid, node: node?.name });
    if (!request || !node) {
      log.error({ coreUuid: request?.coreUuid }, 'pickup request from a FreeSWITCH this controller does not serve (unknown Core-UUID)');
      return this.fail(picker, 'unavailable', 0, log);
    }
    const user = userOf(request);
    if (!user) {
      log.warn({ userName: request.userName?.slice(0, 100), domainName: request.domainName?.slice(0, 100) }, 'pickup refused: caller is not an authenticated directory user');
      return this.fail(picker, 'unauthenticated', 0, log);
    }
    const userLog = log.child({ domain: user.domain, picker: user.extension });
    const parsed = parseDialled(request.dialled, this.settings.prefix);
    if (!parsed.ok) {
      userLog.warn({ rejection: parsed.rejection, dialled: request.dialled.slice(0, 200) }, 'pickup refused: not a valid pickup code');
      return this.fail(picker, 'invalid-dialled', 0, userLog);
    }
    try {
      return await this.attempts(picker, request, user, parsed.target, node, userLog, acceptedAt);
    } catch (error) {
      userLog.warn({ reason: reasonOf(error) }, 'pickup failed: store or switch unavailable');
      return this.fail(picker, 'unavailable', request.tried.length, userLog);
    }
  }

  /** Claims and tries calls until one is picked up or handed off, or none is left. */
  private async attempts(picker: PickerChannel, request: PickupRequest, user: UserRef, target: PickupTarget, node: PickerNode, log: Logger, acceptedAt: number): Promise<PickupOutcome> {
    const tried = [...request.tried];
    // The previous round sent the picker to another node and the channel came back: that call goes back to the
    // other pickers (it stays out of this picker's reach: it is in `tried`), while this round decides.
    const released = request.handedOff ? this.release(user.domain, request.handedOff, request.pickerUuid) : Promise.resolve();
    try {
      while (tried.length < this.settings.maxAttempts) {
        const decision = await this.decide(request.pickerUuid, user, target, tried, node.name);
        if ('denial' in decision) {
          log.info({ target, denial: decision.denial }, 'pickup refused: not permitted');
          return await this.fail(picker, 'not-permitted', tried.length, log);
        }
        if ('nothing' in decision) {
          log.info({ target, attempt: tried.length + 1 }, 'nothing to pick up');
          return await this.fail(picker, 'nothing-to-pick', tried.length, log);
        }
        const call = decision.claimed;
        tried.push(call.callUuid);
        const callLog = log.child({ callUuid: call.callUuid, callNode: call.node, target });
        const result = call.node === node.name ? await this.interceptHere(picker, call, tried, node, callLog, acceptedAt) : await this.sendElsewhere(picker, call, tried, node, callLog, acceptedAt);
        if (result !== 'next') return result;
      }
      log.info({ target, attempts: tried.length }, 'no candidate could be intercepted');
      return await this.fail(picker, 'nothing-to-pick', tried.length, log);
    } finally {
      await released;
    }
  }

  /**
   * Decides on the preferences in memory and claims in one round trip; the claim checks they were current. A
   * refusal is confirmed on freshly read preferences first (a change may not have reached this controller yet).
   */
  private async decide(pickerUuid: string, user: UserRef, target: PickupTarget, tried: readonly string[], pickerNode: string): Promise<Decision> {
    for (let pass = 1; ; pass++) {
      const last = pass >= DECISION_PASSES;
      const picker = this.stores.preferences.peek(user);
      const revisions = new Map([[user.extension, picker.revision]]);
      const plan = planPickup(picker.preferences, target);
      let consulted: UserRef[] = [user];
      let denial = plan.allowed ? undefined : plan.denial;
      if (plan.allowed && plan.search.kind === 'extension') {
        // Directed pickup: the rule is about the user whose phone rings, so their preferences decide too.
        const ringing = { extension: plan.search.extension, domain: user.domain };
        const ringingUser = this.stores.preferences.peek(ringing);
        revisions.set(ringing.extension, ringingUser.revision);
        consulted = [user, ringing];
        const permission = mayPickUpExtension(picker.preferences, ringingUser.preferences);
        if (!permission.allowed) denial = permission.denial;
      }
      if (denial !== undefined || !plan.allowed) {
        if (pass > 1 && denial !== undefined) return { denial };
        await this.stores.preferences.refresh(consulted);
        continue;
      }
      const claimed = await this.stores.calls.claim({
        domain: user.domain,
        index: candidateIndexOf(plan.search),
        pickerUuid,
        strategy: this.settings.strategy,
        random: this.random(),
        // From the background view; the picker's node is alive whatever it says: its channel just reached us.
        deadNodes: [...this.stores.registry.view.deadNodes].filter((node) => node !== pickerNode),
        tried,
        preferenceRevisions: revisions,
      });
      if (claimed !== 'stale') return claimed ? { claimed } : { nothing: true };
      if (last) throw new Error('preferences changed during every decision');
      await this.stores.preferences.refresh(consulted);
    }
  }

  /** The call rings on the picker's node: intercept it over the socket and settle the claim by the result. */
  private async interceptHere(picker: PickerChannel, call: ClaimedCall, tried: readonly string[], node: PickerNode, log: Logger, acceptedAt: number): Promise<PickupOutcome | 'next'> {
    const pickerUuid = picker.request!.pickerUuid;
    const bridged = node.watches.waitFor(pickerUuid, (event) => (event.name === 'CHANNEL_BRIDGE' && event.headers['Bridge-B-Unique-ID'] === call.callUuid ? true : undefined), this.settings.confirmTimeoutMs);
    log.info({ attempt: tried.length, callerNumber: call.callerNumber, ringingSinceMs: Date.now() - call.startedAt, decisionMs: msSince(acceptedAt) }, 'call claimed');
    const result = await picker.intercept(call.callUuid, call.callKind, { tried }, this.settings.interceptTimeoutMs);
    if (result === 'picker-gone') {
      bridged.cancel();
      await this.release(call.domain, call.callUuid, pickerUuid);
      log.info('picker hung up before the intercept completed; claim released');
      return { result: 'abandoned', why: 'picker-gone' };
    }
    // Either way the call is not pickable any more: picked up, or answered/gone (why intercept refused it).
    await this.stores.calls.endCall(call.domain, call.callUuid, call.node).catch((error: unknown) => log.warn({ reason: reasonOf(error) }, 'could not remove the intercepted call from the store'));
    if (result === 'refused') {
      bridged.cancel();
      log.info('intercept refused (call answered or gone meanwhile); trying the next call');
      return 'next';
    }
    picker.finish();
    log.info({ callerNumber: call.callerNumber, attempts: tried.length }, 'call picked up');
    void bridged.result.then((seen) => {
      if (seen) log.info({ pickupMs: msSince(acceptedAt) }, 'pickup bridged');
      else log.warn({ waitedMs: this.settings.confirmTimeoutMs }, 'intercept succeeded but no bridge was seen');
    });
    return { result: 'picked', callUuid: call.callUuid, attempts: tried.length };
  }

  /** The call rings on another node: put a token there and send the picker on; the dialplan dials it. */
  private async sendElsewhere(picker: PickerChannel, call: ClaimedCall, tried: readonly string[], node: PickerNode, log: Logger, acceptedAt: number): Promise<PickupOutcome | 'next'> {
    const pickerUuid = picker.request!.pickerUuid;
    const prepared = await this.handoff.prepare(call);
    if ('refusal' in prepared) {
      await this.release(call.domain, call.callUuid, pickerUuid);
      log.warn({ refusal: prepared.refusal }, 'cross-node pickup impossible; trying the next call');
      return 'next';
    }
    const followed = node.watches.waitFor(pickerUuid, (event) => (event.name === 'CHANNEL_ANSWER' ? 'answered' : event.name === 'CHANNEL_HANGUP' ? 'hangup' : undefined), this.settings.confirmTimeoutMs);
    log.info({ attempt: tried.length, callerNumber: call.callerNumber, ringingSinceMs: Date.now() - call.startedAt, decisionMs: msSince(acceptedAt) }, 'call claimed');
    picker.handOff(prepared.dialString, call.callUuid, { tried });
    log.info('picker sent to the call’s node');
    // Off the request's path: the outcome is for the log, and a picker gone before the answer frees the call.
    void followed.result.then(async (outcome) => {
      if (outcome === 'answered') log.info({ callerNumber: call.callerNumber, pickupMs: msSince(acceptedAt) }, 'call picked up on the call’s node');
      if (outcome === 'hangup') await this.release(call.domain, call.callUuid, pickerUuid);
    });
    return { result: 'handed-off', callUuid: call.callUuid, attempts: tried.length };
  }

  private async release(domain: string, callUuid: string, pickerUuid: string): Promise<void> {
    await this.stores.calls.release(domain, callUuid, pickerUuid).catch((error: unknown) => this.log.warn({ reason: reasonOf(error), callUuid }, 'could not release a claimed call; it is offered again when the claim expires'));
  }

  /** Ends a failed pickup audibly: a tone, then the cause. */
  private async fail(picker: PickerChannel, failure: PickupFailure, attempts: number, log: Logger): Promise<PickupOutcome> {
    const cause = this.settings.failureCauses[failure];
    try {
      await picker.refuse(this.settings.failureTone, cause);
      log.info({ failure, cause }, 'pickup failed; picker hung up');
    } catch (error) {
      log.info({ reason: reasonOf(error), failure, cause }, 'pickup failed; the picker was already gone');
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

function userOf(request: PickupRequest): UserRef | undefined {
  const { userName, domainName } = request;
  if (!userName || !domainName || validateExtension(userName) || validateDomain(domainName)) return undefined;
  return { extension: userName, domain: domainName };
}

function msSince(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}
