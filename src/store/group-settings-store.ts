import type { Keys } from './keys.ts';
import type { RedisConnection } from './redis-connection.ts';

/** Per call group options (beyond the spec). */
export interface GroupSettings {
  /** Send "you may pick this up" notices after a call rang this long unanswered; undefined = off (the default). */
  readonly notifyAfterSeconds: number | undefined;
}

/** Group options in Redis: `fsp:{domain}:groupcfg:<group>`. */
export class GroupSettingsStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
  ) {}

  async get(domain: string, group: string): Promise<GroupSettings> {
    const value = await this.redis.hget(this.keys.groupSettings(domain, group), 'notifyAfterSeconds');
    const seconds = value === null ? Number.NaN : Number(value);
    return { notifyAfterSeconds: Number.isInteger(seconds) && seconds > 0 ? seconds : undefined };
  }

  async set(domain: string, group: string, settings: GroupSettings): Promise<void> {
    const key = this.keys.groupSettings(domain, group);
    if (settings.notifyAfterSeconds === undefined) await this.redis.del(key);
    else await this.redis.hset(key, 'notifyAfterSeconds', settings.notifyAfterSeconds);
  }

  /** Marks a notice as sent for one call and group; false when some controller already sent it. */
  async markNotified(domain: string, callUuid: string, group: string): Promise<boolean> {
    return (await this.redis.set(this.keys.notified(domain, callUuid, group), '1', 'EX', 3600, 'NX')) === 'OK';
  }
}
