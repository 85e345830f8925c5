import { randomBytes } from 'node:crypto';
import type { RedisConnection } from './redis-connection.ts';
import { EMPTY_PREFERENCES, type UserPreferences } from '../domain/preferences.ts';
import type { UserRef } from '../domain/users.ts';
import type { Keys } from './keys.ts';
import { runScript } from './scripts.ts';

/** One user's preferences, for writing. */
export interface UserPreferencesEntry {
  readonly user: UserRef;
  readonly preferences: UserPreferences;
}

/** A user's preferences with the revision they were read at ('' for a user with none). */
export interface RevisedPreferences {
  readonly preferences: UserPreferences;
  readonly revision: string;
}

/** What `setMany` announces on the preference-change channel, one message per domain. */
export interface PreferenceChange {
  readonly domain: string;
  readonly extensions: readonly string[];
}

/**
 * Per-user call and pickup groups in Redis (`fsp:{domain}:user:<ext>`). Values are validated by the domain
 * rules before they get here; the store keeps the canonical comma-separated fields the Lua scripts read.
 * Every write gives the user a new random revision (`rev`) and is announced on `<prefix>:preferences`, so that
 * controllers can keep the preferences in memory and the claim script can check they are still current.
 */
export class PreferenceStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    private readonly now: () => number = Date.now,
  ) {}

  /** The user's preferences; a user never configured has none (legacy behaviour). */
  async get(user: UserRef): Promise<UserPreferences> {
    return (await this.getRevised([user]))[0]!.preferences;
  }

  /** Several users' preferences with their revisions, in one round trip. */
  async getRevised(users: readonly UserRef[]): Promise<RevisedPreferences[]> {
    const rows = await Promise.all(users.map((user) => this.redis.hmget(this.keys.user(user.domain, user.extension), ...FIELDS, 'rev')));
    return rows.map(revisedOf);
  }

  /**
   * The current preferences of these users, read in one round trip, as a lookup for validating changes to them
   * (a user not read, or not configured: the defaults).
   */
  async currentOf(users: readonly UserRef[]): Promise<(user: UserRef) => UserPreferences> {
    const rows = await this.getRevised(users);
    const byUser = new Map(users.map((user, i) => [this.keys.user(user.domain, user.extension), rows[i]!.preferences]));
    return (user) => byUser.get(this.keys.user(user.domain, user.extension)) ?? EMPTY_PREFERENCES;
  }

  /**
   * Writes several users at once: one MULTI/EXEC per domain, so nothing of a domain is half-written
   * (a single Redis, or one domain on a Cluster, is all-or-nothing; validation happens before, for all).
   */
  async setMany(entries: readonly UserPreferencesEntry[]): Promise<void> {
    const byDomain = new Map<string, UserPreferencesEntry[]>();
    for (const entry of entries) byDomain.set(entry.user.domain, [...(byDomain.get(entry.user.domain) ?? []), entry]);
    for (const [domain, domainEntries] of byDomain) {
      const transaction = this.redis.multi();
      for (const { user, preferences } of domainEntries) {
        const key = this.keys.user(domain, user.extension);
        if (isEmpty(preferences)) {
          transaction.del(key).srem(this.keys.users(domain), user.extension);
        } else {
          // The Lua scripts read these fields: comma-separated lists, yes/no settings as 1/0. A fresh random revision
          // (never reused, unlike a counter that a delete would reset) tells cached copies apart.
          transaction
            .hset(key, {
              callGroups: preferences.callGroups.join(','),
              pickupGroups: preferences.pickupGroups.join(','),
              aclGroups: preferences.aclGroups.join(','),
              groupPickup: preferences.groupPickup ? '1' : '0',
              pickupQueues: preferences.pickupQueues.join(','),
              neverPickable: preferences.neverPickable ? '1' : '0',
              pickupNotices: preferences.pickupNotices ? '1' : '0',
              rev: randomBytes(9).toString('base64url'),
              updatedAt: this.now(),
            })
            .sadd(this.keys.users(domain), user.extension);
        }
      }
      const results = await transaction.exec();
      const failed = results?.find(([error]) => error);
      if (!results || failed) throw failed?.[0] ?? new Error('preferences transaction aborted');
      await this.redis.sadd(this.keys.domains(), domain);
      // Calls ringing these users now are offered under their new groups at once (after Redis came back empty and
      // the users were imported again, the calls resynced meanwhile had none).
      await runScript(this.redis, 'regroupUsers', [this.keys.domainBase(domain)], domainEntries.map((entry) => entry.user.extension));
      const change: PreferenceChange = { domain, extensions: domainEntries.map((entry) => entry.user.extension) };
      await this.redis.publish(this.keys.preferenceChanges(), JSON.stringify(change));
    }
  }

  /** Every configured user of a domain, sorted by extension. */
  async list(domain: string): Promise<Array<{ extension: string } & RevisedPreferences>> {
    return this.withPreferences(domain, (await this.redis.smembers(this.keys.users(domain))).sort(compareExtensions));
  }

  /**
   * One page of a domain's configured users in the order of `list`: at most `limit` of those after the extension
   * `after` (from the first when undefined), and the extension to continue after when more follow. The order
   * depends on nothing but the extensions, so a walk sees every user configured throughout it exactly once.
   */
  async page(domain: string, limit: number, after?: string): Promise<{ users: Array<{ extension: string } & RevisedPreferences>; next: string | undefined }> {
    const following = (await this.redis.smembers(this.keys.users(domain))).filter((extension) => after === undefined || compareExtensions(extension, after) > 0).sort(compareExtensions);
    const extensions = following.slice(0, limit);
    return { users: await this.withPreferences(domain, extensions), next: following.length > limit ? extensions.at(-1) : undefined };
  }

  /** Domains that have at least one configured user (ever). */
  async domains(): Promise<string[]> {
    return (await this.redis.smembers(this.keys.domains())).sort();
  }

  private async withPreferences(domain: string, extensions: readonly string[]): Promise<Array<{ extension: string } & RevisedPreferences>> {
    const rows = await this.getRevised(extensions.map((extension) => ({ extension, domain })));
    return extensions.map((extension, i) => ({ extension, ...rows[i]! }));
  }
}

const NUMERIC_ORDER = new Intl.Collator('en', { numeric: true });

/** Extensions in the order people expect ("9" before "10"); ties of that order ("10", "010") by code units: a total order. */
function compareExtensions(a: string, b: string): number {
  return NUMERIC_ORDER.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

const FIELDS = ['callGroups', 'pickupGroups', 'aclGroups', 'groupPickup', 'pickupQueues', 'neverPickable', 'pickupNotices'] as const;

function revisedOf(fields: ReadonlyArray<string | null>): RevisedPreferences {
  const [callGroups, pickupGroups, aclGroups, groupPickup, pickupQueues, neverPickable, pickupNotices, revision] = fields;
  // Users written before a setting existed have no field for it: they get its default.
  const preferences: UserPreferences = {
    callGroups: split(callGroups),
    pickupGroups: split(pickupGroups),
    aclGroups: split(aclGroups),
    groupPickup: groupPickup === '1',
    pickupQueues: split(pickupQueues),
    neverPickable: neverPickable === '1',
    pickupNotices: pickupNotices !== '0',
  };
  return { preferences: isEmpty(preferences) ? EMPTY_PREFERENCES : preferences, revision: revision ?? '' };
}

/** Nothing differs from the defaults: nothing to store. */
function isEmpty(preferences: UserPreferences): boolean {
  const lists = preferences.callGroups.length + preferences.pickupGroups.length + preferences.aclGroups.length + preferences.pickupQueues.length;
  return lists === 0 && preferences.groupPickup === EMPTY_PREFERENCES.groupPickup && preferences.neverPickable === EMPTY_PREFERENCES.neverPickable && preferences.pickupNotices === EMPTY_PREFERENCES.pickupNotices;
}

function split(field: string | null | undefined): string[] {
  return field ? field.split(',') : [];
}
