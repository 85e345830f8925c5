import type { Logger } from 'pino';
import { validateDomain, validateExtension } from '../domain/users.ts';
import type { ChannelFact } from '../esl/channel-facts.ts';
import type { LiveRingingLeg } from '../esl/channel-snapshot.ts';
import type { RingingCallNotice } from '../pickup/notifier.ts';
import type { CallStore } from '../store/call-store.ts';

/** A queue id as 88cg_<id> can name it (the domain's id rule). */
const QUEUE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** What a resync changed. */
export interface ResyncReport {
  readonly liveLegs: number;
  readonly legsAdded: number;
  readonly legsRemoved: number;
  readonly callsRemoved: number;
}

/**
 * Mirrors the ringing calls of one FreeSWITCH node into the store. Every handler is idempotent and the store's
 * scripts are monotonic per leg (ringing, then gone for good), so duplicated, late or reordered events — or two
 * controllers serving the same node — converge on the same state. A leg that rings the very user who placed the
 * call (their own phone, rung by their own call to a ring group) never makes that call pickable.
 */
export class RingingTracker {
  private readonly log: Logger;
  private readonly ringingListeners: Array<(call: RingingCallNotice) => unknown> = [];
  private readonly callers = new AuthenticatedCallers();

  constructor(
    private readonly calls: CallStore,
    private readonly node: string,
    logger: Logger,
  ) {
    // The node's own logger already carries `node`.
    this.log = logger.child({ module: 'tracker' });
  }

  /** Called when a call starts ringing in call groups (or rings in more of them). */
  onCallRinging(listener: (call: RingingCallNotice) => unknown): void {
    this.ringingListeners.push(listener);
  }

  /**
   * Applies one channel fact. Rejects only when the store is unavailable (the caller schedules a resync). Who placed a
   * call is noted before the first await: facts are applied in the order they arrive.
   */
  async apply(fact: ChannelFact): Promise<void> {
    if (fact.kind === 'caller-authenticated') return this.callers.remember(fact.callUuid, fact.extension, fact.domain);
    if (fact.kind === 'call-ended') this.callers.forget(fact.callUuid);
    if (fact.domain === undefined) return;
    // Users and domains come from dial strings the dialplan built, possibly from what a caller dialled.
    const invalid = validateDomain(fact.domain) ?? ('extension' in fact ? validateExtension(fact.extension) : undefined);
    if (invalid) {
      this.log.warn({ callUuid: fact.callUuid, rule: invalid.rule, value: invalid.value.slice(0, 100) }, 'ignored a leg of a user fs-pickup cannot track');
      return;
    }
    if (fact.kind === 'leg-ringing' && fact.queue !== undefined && !QUEUE_ID.test(fact.queue)) {
      this.log.warn({ callUuid: fact.callUuid, queue: fact.queue.slice(0, 100) }, 'ignored a queue name that cannot be dialled as 88cg_<id>');
      return;
    }
    switch (fact.kind) {
      case 'leg-ringing':
        if (this.callers.placedBy(fact.callUuid, fact.extension, fact.domain)) {
          this.log.debug({ callUuid: fact.callUuid, legUuid: fact.legUuid, extension: fact.extension }, 'ignored the caller’s own phone ringing for their own call');
          return;
        }
        return this.legRinging({ ...fact, node: this.node });
      case 'leg-stopped': {
        const outcome = await this.calls.removeLeg(fact.domain, fact.callUuid, fact.legUuid, this.node);
        if (outcome === 'unknown') return;
        this.log.info(
          { callUuid: fact.callUuid, legUuid: fact.legUuid, domain: fact.domain, extension: fact.extension, reason: fact.reason, cause: fact.cause },
          outcome === 'call-ended' ? 'call stopped ringing' : 'leg stopped ringing',
        );
        return;
      }
      case 'call-ended':
        if (await this.calls.callerHungUp(fact.domain, fact.callUuid, this.node)) {
          this.log.info({ callUuid: fact.callUuid, domain: fact.domain, cause: fact.cause }, 'caller hung up; call no longer pickable');
        }
        return;
    }
  }

  /**
   * Makes the store agree with the switch's own list of ringing legs, taken at `snapshotStartedAt`. Calls that
   * changed after that moment are left to the events that changed them.
   */
  async resync(live: readonly LiveRingingLeg[], snapshotStartedAt: number): Promise<ResyncReport> {
    let legsAdded = 0;
    let legsRemoved = 0;
    let callsRemoved = 0;
    const liveLegsByCall = new Map<string, Set<string>>();
    for (const leg of live) {
      if (validateDomain(leg.domain) || validateExtension(leg.extension) || (leg.queue !== undefined && !QUEUE_ID.test(leg.queue))) continue;
      if (leg.caller === `${leg.extension}@${leg.domain}`) continue;
      liveLegsByCall.set(leg.callUuid, (liveLegsByCall.get(leg.callUuid) ?? new Set()).add(leg.legUuid));
      const { outcome } = await this.calls.addRingingLeg({ ...leg, node: this.node });
      if (outcome === 'added') legsAdded++;
    }
    for (const { domain, callUuid } of await this.calls.callsOfNode(this.node)) {
      const stored = await this.calls.getCall(domain, callUuid);
      if (!stored) {
        await this.calls.forgetNodeCall(this.node, domain, callUuid);
        continue;
      }
      if (stored.updatedAt >= snapshotStartedAt || stored.state === 'claimed') continue;
      const liveLegs = liveLegsByCall.get(callUuid);
      if (!liveLegs) {
        await this.calls.endCall(domain, callUuid, this.node);
        callsRemoved++;
        this.log.info({ callUuid, domain }, 'resync: call no longer rings on the switch; removed');
        continue;
      }
      for (const legUuid of Object.keys(stored.legs)) {
        if (liveLegs.has(legUuid)) continue;
        await this.calls.removeLeg(domain, callUuid, legUuid, this.node);
        legsRemoved++;
      }
    }
    const report = { liveLegs: live.length, legsAdded, legsRemoved, callsRemoved };
    this.log.info(report, 'resynced ringing calls with the switch');
    return report;
  }

  private async legRinging(leg: Parameters<CallStore['addRingingLeg']>[0]): Promise<void> {
    const { outcome, callGroups } = await this.calls.addRingingLeg(leg);
    if (outcome !== 'added') return;
    if (callGroups.length > 0) {
      const call = { domain: leg.domain, callUuid: leg.callUuid, groups: callGroups, callerNumber: leg.callerNumber, callerName: leg.callerName };
      // Listeners (pickup notices) must neither slow the mirroring down nor be blamed on it.
      for (const listener of this.ringingListeners) {
        Promise.resolve()
          .then(() => listener(call))
          .catch((error: unknown) => this.log.warn({ err: error, callUuid: call.callUuid }, 'a ringing-call listener failed'));
      }
    }
    this.log.info(
      { callUuid: leg.callUuid, legUuid: leg.legUuid, domain: leg.domain, extension: leg.extension, groups: callGroups, queue: leg.queue, callerNumber: leg.callerNumber },
      'leg ringing',
    );
  }
}

/** Calls live past this long without their hangup seen are forgotten (the store drops them after as long). */
const CALLER_MEMORY_MS = 4 * 3600_000;

/**
 * The directory users who placed the calls of one node (their phone authenticated), from the caller's leg's creation
 * to its hangup: in memory, as every controller of the node sees the same events. Entries whose hangup was missed
 * (an event socket lost meanwhile) are dropped after the longest a call is kept.
 */
class AuthenticatedCallers {
  private readonly users = new Map<string, { readonly user: string; readonly at: number }>();

  remember(callUuid: string, extension: string, domain: string): void {
    const now = Date.now();
    if (this.users.size % 1024 === 1023) {
      for (const [uuid, entry] of this.users) if (now - entry.at > CALLER_MEMORY_MS) this.users.delete(uuid);
    }
    this.users.set(callUuid, { user: `${extension}@${domain}`, at: now });
  }

  forget(callUuid: string): void {
    this.users.delete(callUuid);
  }

  /** Whether the call was placed by that very user. */
  placedBy(callUuid: string, extension: string, domain: string): boolean {
    return this.users.get(callUuid)?.user === `${extension}@${domain}`;
  }
}
