import type { CallStore } from '../../store/call-store.ts';
import type { Keys } from '../../store/keys.ts';
import type { PreferenceStore } from '../../store/preference-store.ts';
import type { RedisConnection } from '../../store/redis-connection.ts';

/** The most calls the board lists per group: a group with thousands ringing shows its oldest and a count. */
export const CALLS_SHOWN_PER_GROUP = 50;

/** One call offered in a group, as the board shows it. Caller number and name are untrusted text from the caller. */
export interface BoardCall {
  readonly callUuid: string;
  readonly callerNumber: string;
  readonly callerName: string;
  /** The extensions it rings. */
  readonly extensions: readonly string[];
  readonly node: string;
  /** When it started ringing (epoch ms). */
  readonly startedAt: number;
}

/** One call group: its lamp, how many calls can be picked up in it, and the oldest of them. */
export interface BoardGroup {
  readonly group: string;
  /** The group's BLF lamp is lit (early): something in it can be picked up, somewhere in the cluster. */
  readonly lit: boolean;
  readonly ringing: number;
  readonly calls: readonly BoardCall[];
}

/**
 * Reads what rings in a domain's call groups, cluster-wide: the group indexes (the calls a picker could get now,
 * oldest first), the calls themselves, and the lamps the scripts keep. Read-only: nothing here changes the store.
 */
export class RingingGroups {
  constructor(
    private readonly calls: CallStore,
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    private readonly preferences: PreferenceStore,
  ) {}

  /** The call groups of the domain's configured users: the groups a call can be indexed under. */
  async groupsOf(domain: string): Promise<string[]> {
    const users = await this.preferences.list(domain);
    return [...new Set(users.flatMap((user) => user.preferences.callGroups))];
  }

  /** The current state of each of these groups. */
  async read(domain: string, groups: readonly string[]): Promise<BoardGroup[]> {
    const indexes = await Promise.all(
      groups.map((group) => Promise.all([this.calls.offered(domain, { group }, CALLS_SHOWN_PER_GROUP), this.redis.hget(this.keys.blfState(domain, group), 'state')])),
    );
    const uuids = [...new Set(indexes.flatMap(([offered]) => offered.callUuids))];
    const calls = new Map(await Promise.all(uuids.map(async (uuid) => [uuid, await this.call(domain, uuid)] as const)));
    return groups.map((group, i) => {
      const [{ total, callUuids }, lamp] = indexes[i]!;
      // A call that ended between the two reads is left out; the change that ended it is on its way.
      return { group, lit: lamp === 'early', ringing: total, calls: callUuids.flatMap((uuid) => calls.get(uuid) ?? []) };
    });
  }

  private async call(domain: string, callUuid: string): Promise<BoardCall | undefined> {
    const call = await this.calls.getCall(domain, callUuid);
    if (!call) return undefined;
    const { node, startedAt, callerNumber, callerName, legs } = call;
    return { callUuid, callerNumber, callerName, extensions: [...new Set(Object.values(legs))].sort(), node, startedAt };
  }
}
