import { DEFAULT_GROUP_NOTICES, type GroupNotices, isNoticeDelay, parseNoticeMode } from '../domain/group-notices.ts';
import { DEFAULT_CALL_STORE_SETTINGS } from './call-store.ts';
import type { Keys } from './keys.ts';
import type { RedisConnection } from './redis-connection.ts';
import { runScript } from './scripts.ts';

/**
 * Per call group options (beyond the spec) in Redis: `fsp:{domain}:groupcfg:<group>`, what the group tells about its
 * pickable calls (GroupNotices). Nothing stored is the default (the lamp only).
 */
export class GroupSettingsStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
  ) {}

  async get(domain: string, group: string): Promise<GroupNotices> {
    const [notify, delay] = await this.redis.hmget(this.keys.groupSettings(domain, group), 'notify', 'notifyAfterSeconds');
    const seconds = delay == null ? Number.NaN : Number(delay);
    // Written before the mode existed: a delay alone (notices by message), or nothing.
    const mode = notify == null ? (isNoticeDelay(seconds) ? 'message' : undefined) : parseNoticeMode(notify);
    if (mode === 'message') return isNoticeDelay(seconds) ? { mode, afterSeconds: seconds } : DEFAULT_GROUP_NOTICES;
    return mode === undefined ? DEFAULT_GROUP_NOTICES : { mode };
  }

  /** Stores the group's notices and puts its lamp right at once (one script). */
  async set(domain: string, group: string, notices: GroupNotices): Promise<void> {
    await runScript(this.redis, 'setGroupNotices', [this.keys.groupSettings(domain, group), this.keys.domainBase(domain)], [
      group,
      notices.mode,
      notices.mode === 'message' ? notices.afterSeconds : '',
      DEFAULT_CALL_STORE_SETTINGS.callTtlSeconds,
    ]);
  }

  /** Marks a notice as sent for one call and group; false when some controller already sent it. */
  async markNotified(domain: string, callUuid: string, group: string): Promise<boolean> {
    return (await this.redis.set(this.keys.notified(domain, callUuid, group), '1', 'EX', 3600, 'NX')) === 'OK';
  }
}
