import type { Logger } from 'pino';
import { EMPTY_PREFERENCES } from '../domain/preferences.ts';
import type { UserRef } from '../domain/users.ts';
import type { PreferenceChange, PreferenceStore, RevisedPreferences } from './preference-store.ts';

const NOT_CONFIGURED: RevisedPreferences = Object.freeze({ preferences: EMPTY_PREFERENCES, revision: '' });

/**
 * Every configured user's preferences in memory, so that deciding a pickup costs no Redis read: the claim script
 * is given the revisions the decision used and claims only while they are current ('stale' otherwise). The copy
 * is loaded at start, refreshed from the change notices PreferenceStore publishes, and reloaded for the users of
 * a claim that came back 'stale' (a notice lost in a reconnect). A user it has never seen counts as not
 * configured — which the claim script checks like any other revision.
 */
export class PreferenceCache {
  private readonly entries = new Map<string, RevisedPreferences>();
  private readonly log: Logger;

  constructor(
    private readonly store: PreferenceStore,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'preferences' });
  }

  /** The user's preferences and their revision as last loaded. */
  peek(user: UserRef): RevisedPreferences {
    return this.entries.get(keyOf(user)) ?? NOT_CONFIGURED;
  }

  /** Loads these users again (one round trip). */
  async refresh(users: readonly UserRef[]): Promise<void> {
    const rows = await this.store.getRevised(users);
    users.forEach((user, i) => this.set(user, rows[i]!));
  }

  /** Loads every configured user of every domain; returns how many. */
  async warm(): Promise<number> {
    let loaded = 0;
    for (const domain of await this.store.domains()) {
      for (const { extension, ...revised } of await this.store.list(domain)) {
        this.set({ extension, domain }, revised);
        loaded++;
      }
    }
    this.log.info({ users: loaded }, 'preferences loaded');
    return loaded;
  }

  /** A change notice from the feed (`<prefix>:preferences`): reloads the users it names. */
  async onChange(message: string): Promise<void> {
    let change: PreferenceChange;
    try {
      change = JSON.parse(message) as PreferenceChange;
    } catch {
      return;
    }
    if (typeof change?.domain !== 'string' || !Array.isArray(change.extensions)) return;
    await this.refresh(change.extensions.filter((extension) => typeof extension === 'string').map((extension) => ({ extension, domain: change.domain })));
  }

  private set(user: UserRef, revised: RevisedPreferences): void {
    // Users without preferences are the default: keeping them would only grow the map. (Preferences written
    // before revisions existed have none: kept, and checked against the same empty revision.)
    if (revised.revision === '' && revised.preferences === EMPTY_PREFERENCES) this.entries.delete(keyOf(user));
    else this.entries.set(keyOf(user), revised);
  }
}

function keyOf(user: UserRef): string {
  return `${user.extension}@${user.domain}`;
}
