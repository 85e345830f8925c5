import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import type { ClaimStrategy } from '../domain/candidates.ts';
import { parseDialled, type PickupTarget } from '../domain/dialled.ts';
import { mayPickUpExtension, type PickupDenial, type PickupSearch, planPickup } from '../domain/permissions.ts';
import { validateDomain, validateExtension, type UserRef } from '../domain/users.ts';
import type { Handoff } from '../cluster/handoff.ts';
import type { PickupCdr } from '../esl/pickup-cdr.ts';
import type { PickerChannel } from '../esl/picker-channel.ts';
import { isDroppedCaller } from '../esl/intercept-race.ts';
import type { PickupRequest } from '../esl/pickup-request.ts';
import { reasonOf } from '../logger.ts';
import type { CallStore, CandidateIndex, ClaimedCall } from '../store/call-store.ts';
import type { NodeRegistry } from '../store/node-registry.ts';
import type { PickupRecord } from '../store/pickup-records.ts';
import type { PreferenceCache } from '../store/preference-cache.ts';
import type { HandoffResultLabel, Metrics, PickupResultLabel } from '../telemetry/metrics.ts';
import type { ChannelWatches } from './channel-watches.ts';
import { DEFAULT_FAILURE_CAUSES, type PickupFailure, type PickupOutcome } from './outcome.ts';
import type { PickupReporter } from './pickup-reporter.ts';

export interface PickupSettings {
  /** The feature code, e.g. "88" (must match the dialplan's regex). */
  readonly prefix: string;
  readonly strategy: ClaimStrategy;
  /** Calls tried per request before giving up (a refused intercept or a failed hand-off counts as one). */
  readonly maxAttempts: number;
  /** How long the picker's events are followed after the decision (bridge, answer, hangup), for the record. */
  readonly confirmTimeoutMs: number;
  /** Played to a picker whose pickup failed, before the hangup. */
  readonly failureTone: string;
  readonly failureCauses: Readonly<Record<PickupFailure, string>>;
}

export const DEFAULT_PICKUP_SETTINGS: PickupSettings = Object.freeze({
  prefix: '88',
  strategy: 'random',
  maxAttempts: 3,
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

/** One request as it goes: what its record, metrics and log lines are made of. */
interface Request {
  readonly picker: PickerChannel;
  readonly channel: PickupRequest;
  readonly node: PickerNode;
  readonly user: UserRef;
  readonly target: PickupTarget;
  readonly cdr: PickupCdr;
  readonly log: Logger;
  /** performance.now() and epoch ms when the socket was accepted. */
  readonly acceptedAt: number;
  readonly at: number;
  /** Calls tried so far, by earlier rounds too. */
  readonly tried: string[];
  /** The call claimed last. */
  call?: ClaimedCall;
  /** The request's channel data received → the first intercept or hand-off written. */
  decisionMs?: number;
}

/** What a request's record says besides the request itself. */
interface Ending {
  readonly result: PickupRecord['result'];
  readonly label: PickupResultLabel;
  readonly failure?: PickupFailure;
  readonly cause?: string;
  readonly pickupMs?: number;
}

/** What a round went for: a call intercepted on the picker's node, or the picker sent to the call's node. */
type FollowedKind = 'intercept' | 'handoff';

/** How many times a decision is taken again on fresh preferences (a refusal, or a claim that found them changed). */
const DECISION_PASSES = 3;

const FAILURE_LABELS: Readonly<Record<PickupFailure, PickupResultLabel>> = {
  unauthenticated: 'unauthenticated',
  'invalid-dialled': 'invalid_dialled',
  'not-permitted': 'not_permitted',
  'nothing-to-pick': 'nothing_to_pick',
  unavailable: 'unavailable',
};

/**
 * Serves pickup requests. A phone that dialled the feature code connects to the controller through the dialplan's
 * synchronous socket; this checks who it is and what they may pick up (preferences held in memory), claims one
 * ringing call atomically (one Redis round trip), and runs `intercept` on the picker's channel over that socket —
 * or, when the call rings on another node, has the picker's node send the picker there (Handoff). A refused or
 * failed pickup ends with a tone and a hangup cause that tells the phone why, never with silence. Every request
 * ends in one record (PickupReporter), written off its path.
 */
export class PickupService {
  private readonly log: Logger;
  /** What each picker's current round went for, being followed: a new round of the same picker supersedes it. */
  private readonly followed = new Map<string, { readonly kind: FollowedKind; readonly cancel: () => void }>();
  /** Requests, follow-ups and reports not finished yet: a stopping controller waits for them (`settled`). */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly stores: PickupStores,
    private readonly handoff: Handoff,
    private readonly reporter: PickupReporter,
    private readonly metrics: Metrics,
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
  serve(picker: PickerChannel, node: PickerNode | undefined, acceptedAt: number): Promise<PickupOutcome> {
    return this.track(this.serveRequest(picker, node, acceptedAt));
  }

  /** Resolves once every request taken so far has ended, its follow-up and its record included. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }

  private async serveRequest(picker: PickerChannel, node: PickerNode | undefined, acceptedAt: number): Promise<PickupOutcome> {
    const at = Date.now() - (performance.now() - acceptedAt);
    const channel = picker.request;
    const log = this.log.child({ pickerUuid: channel?.pickerUuid, node: node?.name });
    const early = { picker, channel, node, at, log };
    if (!channel || !node) {
      log.error({ coreUuid: channel?.coreUuid }, 'pickup request from a FreeSWITCH this controller does not serve (unknown Core-UUID)');
      return this.refuseEarly(early, 'unavailable');
    }
    const user = userOf(channel);
    if (!user) {
      log.warn({ userName: channel.userName?.slice(0, 100), domainName: channel.domainName?.slice(0, 100) }, 'pickup refused: caller is not an authenticated directory user');
      return this.refuseEarly(early, 'unauthenticated');
    }
    const userLog = log.child({ domain: user.domain, picker: user.extension });
    const parsed = parseDialled(channel.dialled, this.settings.prefix);
    if (!parsed.ok) {
      userLog.warn({ rejection: parsed.rejection, dialled: channel.dialled.slice(0, 200) }, 'pickup refused: not a valid pickup code');
      return this.refuseEarly({ ...early, log: userLog, user }, 'invalid-dialled');
    }
    const request: Request = {
      picker,
      channel,
      node,
      user,
      target: parsed.target,
      cdr: { by: `${user.extension}@${user.domain}`, form: parsed.target.kind, target: targetName(parsed.target) },
      log: userLog,
      acceptedAt,
      at,
      tried: [...channel.tried],
    };
    try {
      return await this.attempts(request);
    } catch (error) {
      userLog.warn({ reason: reasonOf(error) }, 'pickup failed: store or switch unavailable');
      return this.fail(request, 'unavailable');
    }
  }

  /** Claims a call and goes for it — intercepted here, or the picker sent to its node —, or ends the request. */
  private async attempts(request: Request): Promise<PickupOutcome> {
    const { channel, target, log } = request;
    // The channel came back from the round before: what that round went for failed (the intercept was refused, or
    // the call's node did not take the picker). This round decides meanwhile; that call stays out of its reach (it
    // is in `tried`).
    const settled = channel.previous ? this.previousFailed(request, channel.previous) : Promise.resolve();
    try {
      while (request.tried.length < this.settings.maxAttempts) {
        const decision = await this.decide(request);
        if ('denial' in decision) {
          log.info({ target, denial: decision.denial }, 'pickup refused: not permitted');
          return await this.fail(request, 'not-permitted');
        }
        if ('nothing' in decision) {
          log.info({ target, attempt: request.tried.length + 1 }, 'nothing to pick up');
          return await this.fail(request, 'nothing-to-pick');
        }
        const call = decision.claimed;
        request.tried.push(call.callUuid);
        request.call = call;
        const callLog = log.child({ callUuid: call.callUuid, callNode: call.node, target });
        if (call.node === request.node.name) return this.interceptHere(request, call, callLog);
        const sent = await this.sendElsewhere(request, call, callLog);
        if (sent !== 'next') return sent;
      }
      log.info({ target, attempts: request.tried.length }, 'no candidate could be picked up');
      return await this.fail(request, 'nothing-to-pick');
    } finally {
      await settled;
    }
  }

  /**
   * Decides on the preferences in memory and claims in one round trip; the claim checks they were current. A
   * refusal is confirmed on freshly read preferences first (a change may not have reached this controller yet).
   */
  private async decide(request: Request): Promise<Decision> {
    const { user, target } = request;
    let viewChecked = false;
    for (let pass = 1; ; pass++) {
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
      const deadNodes = this.deadNodesFor(request);
      const claimed = await this.stores.calls.claim({
        domain: user.domain,
        index: candidateIndexOf(plan.search),
        pickerUuid: request.channel.pickerUuid,
        strategy: this.settings.strategy,
        random: this.random(),
        deadNodes,
        tried: request.tried,
        preferenceRevisions: revisions,
      });
      if (claimed === undefined && deadNodes.length > 0 && !viewChecked) {
        // Nothing, but the calls of nodes the background view holds dead were stepped over, and that view is up to
        // its refresh interval old: a node that has just come back must not cost a pickup. Read it now, claim again.
        viewChecked = true;
        await this.stores.registry.refresh();
        if (!sameMembers(deadNodes, this.deadNodesFor(request))) continue;
      }
      if (claimed !== 'stale') return claimed ? { claimed } : { nothing: true };
      if (pass >= DECISION_PASSES) throw new Error('preferences changed during every decision');
      await this.stores.preferences.refresh(consulted);
    }
  }

  /** Nodes whose calls a claim steps over: dead in the background view. The picker's node is alive whatever the view says: its channel just reached us. */
  private deadNodesFor(request: Request): string[] {
    return [...this.stores.registry.view.deadNodes].filter((node) => node !== request.node.name);
  }

  /**
   * The call rings on the picker's node: the intercept and the channel's leave from the socket go in one write
   * (PickerChannel.intercept). What follows shows on the node's event socket, off the request's path: the picker
   * bridged to the call (picked up), or its hangup first (the call goes back to the others). An intercept FreeSWITCH
   * refused (the call was answered or gone meanwhile) brings the channel back in the dialplan's next round, which
   * takes over from here (`previousFailed`).
   */
  private interceptHere(request: Request, call: ClaimedCall, log: Logger): PickupOutcome {
    const { channel } = request;
    const followed = request.node.watches.waitFor(
      channel.pickerUuid,
      (event) => {
        if (event.name === 'CHANNEL_BRIDGE' && event.headers['Bridge-B-Unique-ID'] === call.callUuid) return 'bridged';
        // The caller's leg names the picker as its other leg once the intercept took it: its event comes here too.
        if (isDroppedCaller(event) && event.headers['Unique-ID'] === call.callUuid) return 'caller-dropped';
        return event.name === 'CHANNEL_HANGUP' && event.headers['Unique-ID'] === channel.pickerUuid ? 'hangup' : undefined;
      },
      this.settings.confirmTimeoutMs,
    );
    this.follow(channel.pickerUuid, 'intercept', followed.cancel);
    request.picker.intercept(call.callUuid, call.callKind, { tried: request.tried, cdr: request.cdr });
    this.decided(request, call, log);
    void this.track(
      followed.result.then(async (outcome) => {
        const current = this.unfollow(channel.pickerUuid, followed.cancel);
        if (outcome === 'bridged') {
          const pickupMs = msSince(request.acceptedAt);
          log.info({ callerNumber: call.callerNumber, attempts: request.tried.length, pickupMs }, 'call picked up');
          await this.endCall(call, log);
          this.finish(request, { result: 'picked', label: 'picked', pickupMs });
        } else if (outcome === 'caller-dropped') {
          log.warn({ callerNumber: call.callerNumber }, 'pickup lost the call: FreeSWITCH’s intercept race hung the caller up (capture 18)');
          await this.endCall(call, log);
          this.finish(request, { result: 'caller-dropped', label: 'caller_dropped', cause: 'PICKED_OFF' });
        } else if (outcome === 'hangup') {
          await this.release(call.domain, call.callUuid, channel.pickerUuid);
          log.info('picker hung up before the pickup completed; claim released');
          this.finish(request, { result: 'abandoned', label: 'abandoned' });
        } else if (current) {
          log.warn({ waitedMs: this.settings.confirmTimeoutMs }, 'intercept sent, but neither the bridge nor the picker’s next round came');
          this.finish(request, { result: 'failed', label: 'unavailable', failure: 'unavailable' });
        }
      }),
    );
    return { result: 'sent', to: 'intercept', callUuid: call.callUuid, attempts: request.tried.length };
  }

  /** The call rings on another node: put a token there and send the picker on; the dialplan dials it. */
  private async sendElsewhere(request: Request, call: ClaimedCall, log: Logger): Promise<PickupOutcome | 'next'> {
    const { picker, channel } = request;
    const prepared = await this.handoff.prepare(call);
    if ('refusal' in prepared) {
      this.metrics.handoffs.inc({ result: 'impossible' });
      await this.release(call.domain, call.callUuid, channel.pickerUuid);
      log.warn({ refusal: prepared.refusal }, 'cross-node pickup impossible; trying the next call');
      return 'next';
    }
    // Connected = the picker's channel answered (capture 17: its CHANNEL_ANSWER names no other leg). Should the
    // hand-off fail, the channel comes back for another round, which cancels this watch before it acts.
    const followed = request.node.watches.waitFor(
      channel.pickerUuid,
      (event) => (event.name === 'CHANNEL_ANSWER' ? 'answered' : event.name === 'CHANNEL_HANGUP' ? 'hangup' : undefined),
      this.settings.confirmTimeoutMs,
    );
    this.follow(channel.pickerUuid, 'handoff', followed.cancel);
    picker.handOff(prepared.dialString, call.callUuid, { tried: request.tried, cdr: request.cdr });
    this.decided(request, call, log);
    log.info('picker sent to the call’s node');
    // Off the request's path: a picker gone before the answer frees the call; the answer ends the request. When the
    // hand-off fails the channel comes back for another round, which ends the request instead.
    void this.track(followed.result.then(async (outcome) => {
      const current = this.unfollow(channel.pickerUuid, followed.cancel);
      if (outcome === 'answered') {
        const pickupMs = msSince(request.acceptedAt);
        log.info({ callerNumber: call.callerNumber, pickupMs }, 'call picked up on the call’s node');
        this.countHandoff('picked');
        this.finish(request, { result: 'picked', label: 'picked', pickupMs });
      } else if (outcome === 'hangup') {
        await this.release(call.domain, call.callUuid, channel.pickerUuid);
        this.countHandoff('picker_gone');
        this.finish(request, { result: 'abandoned', label: 'abandoned' });
      } else if (current) {
        // Neither answered, nor hung up, nor back: the call's node holds the picker longer than its originate
        // timeout allows. The claim expires by itself; the record says what is known.
        log.warn({ waitedMs: this.settings.confirmTimeoutMs }, 'hand-off neither answered nor failed in time');
        this.countHandoff('unconfirmed');
        this.finish(request, { result: 'failed', label: 'unavailable', failure: 'unavailable' });
      }
    }));
    return { result: 'sent', to: 'call-node', callUuid: call.callUuid, attempts: request.tried.length };
  }

  /**
   * The picker's channel is back from the round before, which went for `callUuid`: that attempt failed. A refused
   * intercept means the call was answered or is gone: it leaves the store. A failed hand-off gives the call back to
   * the others; so does an attempt this controller did not make (another controller of the node served that round).
   */
  private async previousFailed(request: Request, callUuid: string): Promise<void> {
    const { pickerUuid } = request.channel;
    const previous = this.followed.get(pickerUuid);
    previous?.cancel();
    this.followed.delete(pickerUuid);
    if (previous?.kind === 'intercept') {
      request.log.info({ callUuid }, 'intercept refused (the call was answered or gone meanwhile); trying the next call');
      await this.endCall({ domain: request.user.domain, callUuid, node: request.node.name }, request.log);
      return;
    }
    if (previous?.kind === 'handoff') this.countHandoff('refused');
    await this.release(request.user.domain, callUuid, pickerUuid);
  }

  /** What a picker's current round went for, followed until it ends; a later round of the same picker supersedes it. */
  private follow(pickerUuid: string, kind: FollowedKind, cancel: () => void): void {
    this.followed.set(pickerUuid, { kind, cancel });
  }

  /** The follow-up ended; true when it was still the picker's current one (no later round took over). */
  private unfollow(pickerUuid: string, cancel: () => void): boolean {
    const current = this.followed.get(pickerUuid)?.cancel === cancel;
    if (current) this.followed.delete(pickerUuid);
    return current;
  }

  /** The call is not pickable any more (picked up, answered, gone). */
  private async endCall(call: Pick<ClaimedCall, 'domain' | 'callUuid' | 'node'>, log: Logger): Promise<void> {
    await this.stores.calls.endCall(call.domain, call.callUuid, call.node).catch((error: unknown) => log.warn({ reason: reasonOf(error) }, 'could not remove the call from the store; it leaves when its events arrive'));
  }

  /** The intercept or the hand-off is about to be written: the decision's time, logged and measured once. */
  private decided(request: Request, call: ClaimedCall, log: Logger): void {
    const decisionMs = msSince(request.picker.receivedAt);
    // The switch's share before it: the socket accepted → FreeSWITCH's reply to `connect` with the channel's data.
    const connectMs = roundMs(request.picker.receivedAt - request.acceptedAt);
    if (request.decisionMs === undefined) {
      request.decisionMs = decisionMs;
      this.metrics.decisionSeconds.observe(decisionMs / 1000);
    }
    log.info({ attempt: request.tried.length, callerNumber: call.callerNumber, ringingSinceMs: Date.now() - call.startedAt, connectMs, decisionMs }, 'call claimed');
  }

  private countHandoff(result: HandoffResultLabel): void {
    this.metrics.handoffs.inc({ result });
  }

  private async release(domain: string, callUuid: string, pickerUuid: string): Promise<void> {
    await this.stores.calls.release(domain, callUuid, pickerUuid).catch((error: unknown) => this.log.warn({ reason: reasonOf(error), callUuid }, 'could not release a claimed call; it is offered again when the claim expires'));
  }

  /** Ends a failed pickup audibly: a tone, then the cause. */
  private async fail(request: Request, failure: PickupFailure): Promise<PickupOutcome> {
    const cause = await this.refuse(request.picker, failure, request.log);
    this.finish(request, { result: 'failed', label: FAILURE_LABELS[failure], failure, cause });
    return { result: 'failed', failure, attempts: request.tried.length };
  }

  /** A request refused before it was understood (no node, no user, no pickup code): refused and recorded as far as known. */
  private async refuseEarly(
    early: { readonly picker: PickerChannel; readonly channel: PickupRequest | undefined; readonly node: PickerNode | undefined; readonly at: number; readonly log: Logger; readonly user?: UserRef },
    failure: PickupFailure,
  ): Promise<PickupOutcome> {
    const cause = await this.refuse(early.picker, failure, early.log);
    const record: PickupRecord = {
      ...emptyRecord(early.at),
      domain: early.user?.domain ?? '',
      picker: early.user?.extension ?? '',
      pickerUuid: early.channel?.pickerUuid ?? '',
      pickerNode: early.node?.name ?? '',
      dialled: early.channel?.dialled.slice(0, 200) ?? '',
      attempts: early.channel?.tried.length ?? 0,
      result: 'failed',
      failure,
      cause,
    };
    void this.track(this.reporter.report(record, FAILURE_LABELS[failure], undefined));
    return { result: 'failed', failure, attempts: record.attempts };
  }

  /** Plays the tone and hangs the picker up with the failure's cause; resolves with the cause. */
  private async refuse(picker: PickerChannel, failure: PickupFailure, log: Logger): Promise<string> {
    const cause = this.settings.failureCauses[failure];
    try {
      await picker.refuse(this.settings.failureTone, cause);
      log.info({ failure, cause }, 'pickup failed; picker hung up');
    } catch (error) {
      log.info({ reason: reasonOf(error), failure, cause }, 'pickup failed; the picker was already gone');
    }
    return cause;
  }

  /** The request is over: its record, metrics and event, off its path. */
  private finish(request: Request, ending: Ending): void {
    const call = request.call;
    const record: PickupRecord = {
      ...emptyRecord(request.at),
      domain: request.user.domain,
      picker: request.user.extension,
      pickerUuid: request.channel.pickerUuid,
      pickerNode: request.node.name,
      form: request.target.kind,
      dialled: request.channel.dialled.slice(0, 200),
      target: request.cdr.target,
      result: ending.result,
      failure: ending.failure ?? '',
      cause: ending.cause ?? '',
      callUuid: call?.callUuid ?? '',
      callerNumber: call?.callerNumber ?? '',
      callerName: call?.callerName ?? '',
      callNode: call?.node ?? '',
      attempts: request.tried.length,
      decisionMs: request.decisionMs,
      pickupMs: ending.pickupMs,
    };
    if (ending.pickupMs !== undefined) this.metrics.pickupSeconds.observe({ node_scope: call?.node === request.node.name ? 'same_node' : 'cross_node' }, ending.pickupMs / 1000);
    void this.track(this.reporter.report(record, ending.label, request.cdr));
  }
}

function emptyRecord(at: number): PickupRecord {
  return {
    at,
    domain: '',
    picker: '',
    pickerUuid: '',
    pickerNode: '',
    form: '',
    dialled: '',
    target: '',
    result: '',
    failure: '',
    cause: '',
    callUuid: '',
    callerNumber: '',
    callerName: '',
    callNode: '',
    attempts: 0,
    decisionMs: undefined,
    pickupMs: undefined,
  };
}

/** The store index a permitted search claims from. */
function candidateIndexOf(search: PickupSearch): CandidateIndex {
  switch (search.kind) {
    case 'group':
      return { group: search.group };
    case 'groups-in-order':
      return { groupsInOrder: search.groups };
    case 'extension':
      return { extension: search.extension };
    case 'acl-groups':
      return { aclGroups: search.aclGroups };
    case 'queue':
      return { queue: search.queueId };
  }
}

/** The group, extension or queue a target names ('' for legacy group pickup and for the picker's own groups). */
function targetName(target: PickupTarget): string {
  switch (target.kind) {
    case 'group':
      return target.group;
    case 'extension':
      return target.extension;
    case 'queue':
      return target.queueId;
    case 'my-groups':
    case 'legacy-group':
      return '';
  }
}

function userOf(request: PickupRequest): UserRef | undefined {
  const { userName, domainName } = request;
  if (!userName || !domainName || validateExtension(userName) || validateDomain(domainName)) return undefined;
  return { extension: userName, domain: domainName };
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((member) => b.includes(member));
}

function msSince(start: number): number {
  return roundMs(performance.now() - start);
}

/** Milliseconds to the microsecond. */
function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
