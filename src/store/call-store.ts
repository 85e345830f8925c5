import type { RedisConnection } from './redis-connection.ts';
import type { CallKind } from '../domain/call-kind.ts';
import type { ClaimStrategy } from '../domain/candidates.ts';
import { StoreReplyError } from './errors.ts';
import type { Keys } from './keys.ts';
import { runScript } from './scripts.ts';

/** A leg that rings a directory user on behalf of a caller's leg (the call). */
export interface RingingLeg {
  readonly legUuid: string;
  readonly callUuid: string;
  readonly extension: string;
  readonly domain: string;
  readonly node: string;
  readonly callerNumber: string;
  readonly callerName: string;
  /** The queue the call rings through, if any (indexed for 88cg_<queue>). */
  readonly queue?: string | undefined;
  /** 'callcenter': a caller already answered who waits unbridged (see CallKind). */
  readonly callKind?: CallKind;
  /** The dialplan marked the leg never pickable (fs_pickup_exclude): the whole call is offered nowhere, for good. */
  readonly excluded?: boolean;
}

/** A call a picker now holds the claim on. */
export interface ClaimedCall {
  readonly callUuid: string;
  readonly domain: string;
  readonly node: string;
  readonly callerNumber: string;
  readonly callerName: string;
  readonly startedAt: number;
  readonly callGroups: readonly string[];
  readonly callKind: CallKind;
}

/** What the store holds about one ringing call. */
export interface StoredCall {
  readonly callUuid: string;
  readonly node: string;
  /** Caller id as received (untrusted text from SIP). */
  readonly callerNumber: string;
  readonly callerName: string;
  /** The queue the call rings through; '' for none. */
  readonly queue: string;
  readonly state: 'ringing' | 'claimed' | 'offline';
  readonly claimedBy: string;
  readonly startedAt: number;
  readonly updatedAt: number;
  readonly callGroups: readonly string[];
  readonly legs: Readonly<Record<string, string>>;
}

/** Where a call is offered on its own index: under one of its call groups, to an extension it rings, through its queue. */
export type OfferIndex = { readonly group: string } | { readonly extension: string } | { readonly queue: string };

/**
 * Where to look for candidates: one index; the indexes of several call groups in turn, the first with a pickable call
 * giving it (a picker's own pickup groups, in their order); or the legacy ACL groups' indexes together.
 */
export type CandidateIndex = OfferIndex | { readonly groupsInOrder: readonly string[] } | { readonly aclGroups: readonly string[] };

/** One claim: which picker looks where, how to choose, and on which facts its permission was decided. */
export interface ClaimRequest {
  readonly domain: string;
  readonly index: CandidateIndex;
  readonly pickerUuid: string;
  readonly strategy: ClaimStrategy;
  /** Uniform in [0, 1): the random strategy's choice. */
  readonly random: number;
  /** Nodes known to be down: a candidate ringing there is not offered (the reaper takes it offline). */
  readonly deadNodes: Iterable<string>;
  /** Calls this picker already tried: never offered to it again. */
  readonly tried: readonly string[];
  /**
   * The revision of each user's preferences the permission was decided on (extension → revision, '' for a user
   * with none): the claim happens only while they are all current.
   */
  readonly preferenceRevisions: ReadonlyMap<string, string>;
}

export interface CallStoreSettings {
  /** A ringing call with no event for this long is dropped by Redis itself. */
  readonly callTtlSeconds: number;
  /** How long an ended leg or call stays remembered against late events. */
  readonly tombstoneTtlSeconds: number;
  /** A claim not finished or released within this time is offered again. */
  readonly claimLifetimeMs: number;
}

export const DEFAULT_CALL_STORE_SETTINGS: CallStoreSettings = Object.freeze({
  callTtlSeconds: 4 * 3600,
  tombstoneTtlSeconds: 600,
  claimLifetimeMs: 15_000,
});

const RING_OUTCOMES = { 1: 'added', 0: 'known', [-1]: 'ended' } as const;
const STOP_OUTCOMES = { 2: 'call-ended', 1: 'leg-removed', 0: 'unknown' } as const;

/** Ringing calls, their indexes and claims in Redis. Every mutation is one Lua script on one domain's slot. */
export class CallStore {
  private readonly settings: CallStoreSettings;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    settings: Partial<CallStoreSettings> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.settings = { ...DEFAULT_CALL_STORE_SETTINGS, ...settings };
  }

  /** Records that a leg rings; returns whether it was new and the call's call groups now. */
  async addRingingLeg(leg: RingingLeg): Promise<{ outcome: 'added' | 'known' | 'ended'; callGroups: string[] }> {
    const reply = await runScript(this.redis, 'ringLeg', this.callKeys(leg.domain, leg.callUuid), [
      leg.legUuid,
      leg.extension,
      leg.callUuid,
      leg.node,
      leg.callerNumber,
      leg.callerName,
      this.now(),
      this.settings.callTtlSeconds,
      leg.queue ?? '',
      leg.callKind ?? 'user',
      leg.excluded ? '1' : '0',
    ]);
    if (!Array.isArray(reply) || reply.length !== 2) throw new StoreReplyError(`ringLeg replied ${JSON.stringify(reply)}`);
    const outcome = RING_OUTCOMES[reply[0] as keyof typeof RING_OUTCOMES];
    if (!outcome) throw new StoreReplyError(`ringLeg replied code ${String(reply[0])}`);
    if (outcome === 'added') await this.redis.sadd(this.keys.nodeCalls(leg.node), `${leg.domain} ${leg.callUuid}`);
    return { outcome, callGroups: splitGroups(String(reply[1])) };
  }

  /** A leg stopped ringing; when it was the last one the call is gone. */
  async removeLeg(domain: string, callUuid: string, legUuid: string, node: string): Promise<'call-ended' | 'leg-removed' | 'unknown'> {
    const reply = await runScript(this.redis, 'stopLeg', this.callKeys(domain, callUuid), [
      legUuid,
      callUuid,
      this.now(),
      this.settings.callTtlSeconds,
      this.settings.tombstoneTtlSeconds,
    ]);
    const outcome = STOP_OUTCOMES[reply as keyof typeof STOP_OUTCOMES];
    if (!outcome) throw new StoreReplyError(`stopLeg replied ${JSON.stringify(reply)}`);
    if (outcome === 'call-ended') await this.redis.srem(this.keys.nodeCalls(node), `${domain} ${callUuid}`);
    return outcome;
  }

  /**
   * Ends a call for pickup purposes (picked up, answered, or no longer on its switch). True if it was known. Its caller
   * may still be there: a leg that rings for it later (a transfer) makes it a call again.
   */
  async endCall(domain: string, callUuid: string, node: string): Promise<boolean> {
    return this.deleteCall(domain, callUuid, node, false);
  }

  /** The caller hung up: the call ends for good (late or repeated events never bring it back). True if it was known. */
  async callerHungUp(domain: string, callUuid: string, node: string): Promise<boolean> {
    return this.deleteCall(domain, callUuid, node, true);
  }

  /**
   * Atomically claims one pickable call of the index for the picker: the call, undefined when none is left, or
   * 'stale' when a preference revision changed (nothing was claimed; decide again on fresh preferences). One
   * script, one round trip.
   */
  async claim(request: ClaimRequest): Promise<ClaimedCall | 'stale' | undefined> {
    const guards = [...request.preferenceRevisions].map(([extension, revision]) => `${extension}=${revision}`).join(' ');
    const { indexes, search } = this.candidateIndexes(request.domain, request.index);
    const reply = await runScript(this.redis, 'claimCall', [this.keys.domainBase(request.domain), ...indexes], [
      request.pickerUuid,
      request.strategy,
      request.random,
      this.now(),
      this.settings.claimLifetimeMs,
      this.settings.callTtlSeconds,
      [...request.deadNodes].join(' '),
      request.tried.join(' '),
      guards,
      search,
    ]);
    if (reply === null) return undefined;
    if (Array.isArray(reply) && reply.length === 1 && reply[0] === 'stale') return 'stale';
    if (!Array.isArray(reply) || reply.length !== 7) throw new StoreReplyError(`claimCall replied ${JSON.stringify(reply)}`);
    const [callUuid, node, callerNumber, callerName, startedAt, groups, kind] = reply.map(String) as [string, string, string, string, string, string, string];
    return { callUuid, domain: request.domain, node, callerNumber, callerName, startedAt: Number(startedAt), callGroups: splitGroups(groups), callKind: kind === 'callcenter' ? 'callcenter' : 'user' };
  }

  /** Gives a claimed call back to the other pickers (only if the claim is still this picker's). */
  async release(domain: string, callUuid: string, pickerUuid: string): Promise<boolean> {
    const reply = await runScript(this.redis, 'releaseCall', this.callKeys(domain, callUuid), [callUuid, pickerUuid, this.now(), this.settings.callTtlSeconds]);
    return reply === 1;
  }

  /** Stops offering a call whose node is down (kept for the node's return). True if it was offered until now. */
  async takeOffline(domain: string, callUuid: string): Promise<boolean> {
    return (await runScript(this.redis, 'offlineCall', this.callKeys(domain, callUuid), [callUuid, this.settings.callTtlSeconds])) === 1;
  }

  /** One call as stored, or undefined. */
  async getCall(domain: string, callUuid: string): Promise<StoredCall | undefined> {
    const key = this.keys.call(domain, callUuid);
    const [fields, legs] = await Promise.all([this.redis.hgetall(key), this.redis.hgetall(this.keys.callLegs(domain, callUuid))]);
    if (!fields.state) return undefined;
    return {
      callUuid,
      node: fields.node ?? '',
      callerNumber: fields.callerNumber ?? '',
      callerName: fields.callerName ?? '',
      queue: fields.queue ?? '',
      state: fields.state === 'claimed' || fields.state === 'offline' ? fields.state : 'ringing',
      claimedBy: fields.claimedBy ?? '',
      startedAt: Number(fields.startedAt),
      updatedAt: Number(fields.updatedAt),
      callGroups: splitGroups(fields.groups ?? ''),
      legs,
    };
  }

  /** Is the call offered under that call group right now (ringing, not claimed, its node live)? */
  async isOffered(domain: string, group: string, callUuid: string): Promise<boolean> {
    return (await this.redis.zscore(this.keys.groupIndex(domain, group), callUuid)) !== null;
  }

  /** How many calls are offered under an index, and the uuids of the oldest `limit` of them, oldest first. */
  async offered(domain: string, index: OfferIndex, limit: number): Promise<{ total: number; callUuids: string[] }> {
    const key = this.indexKey(domain, index);
    const [total, callUuids] = await Promise.all([this.redis.zcard(key), this.redis.zrange(key, 0, limit - 1)]);
    return { total, callUuids };
  }

  /** Uuids of the calls offered under a call group, oldest first. */
  async pickableInGroup(domain: string, group: string): Promise<string[]> {
    return this.redis.zrange(this.keys.groupIndex(domain, group), 0, -1);
  }

  /** The `(domain, call uuid)` pairs a node is known to ring. */
  async callsOfNode(node: string): Promise<Array<{ domain: string; callUuid: string }>> {
    const members = await this.redis.smembers(this.keys.nodeCalls(node));
    return members.flatMap((member) => {
      const [domain, callUuid] = member.split(' ');
      return domain && callUuid ? [{ domain, callUuid }] : [];
    });
  }

  /** How many calls a node is known to ring. */
  async countOfNode(node: string): Promise<number> {
    return this.redis.scard(this.keys.nodeCalls(node));
  }

  /** Forgets a node-set entry whose call is already gone. */
  async forgetNodeCall(node: string, domain: string, callUuid: string): Promise<void> {
    await this.redis.srem(this.keys.nodeCalls(node), `${domain} ${callUuid}`);
  }

  /** The index keys a claim searches, and how: in turn ('ordered': the first with a pickable call) or as one ('union'). */
  private candidateIndexes(domain: string, index: CandidateIndex): { indexes: string[]; search: 'ordered' | 'union' } {
    if ('aclGroups' in index) return { indexes: index.aclGroups.map((group) => this.keys.aclIndex(domain, group)), search: 'union' };
    if ('groupsInOrder' in index) return { indexes: index.groupsInOrder.map((group) => this.keys.groupIndex(domain, group)), search: 'ordered' };
    return { indexes: [this.indexKey(domain, index)], search: 'ordered' };
  }

  private indexKey(domain: string, index: OfferIndex): string {
    if ('group' in index) return this.keys.groupIndex(domain, index.group);
    if ('extension' in index) return this.keys.extensionIndex(domain, index.extension);
    return this.keys.queueIndex(domain, index.queue);
  }

  private async deleteCall(domain: string, callUuid: string, node: string, forGood: boolean): Promise<boolean> {
    const reply = await runScript(this.redis, 'endCall', this.callKeys(domain, callUuid), [callUuid, this.settings.tombstoneTtlSeconds, this.settings.callTtlSeconds, forGood ? '1' : '0']);
    if (reply !== 0 && reply !== 1) throw new StoreReplyError(`endCall replied ${JSON.stringify(reply)}`);
    await this.redis.srem(this.keys.nodeCalls(node), `${domain} ${callUuid}`);
    return reply === 1;
  }

  private callKeys(domain: string, callUuid: string): [string, string] {
    return [this.keys.call(domain, callUuid), this.keys.domainBase(domain)];
  }
}

function splitGroups(field: string): string[] {
  return field === '' ? [] : field.split(',');
}
