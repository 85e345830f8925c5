import type { Keys } from './keys.ts';
import type { RedisConnection } from './redis-connection.ts';

/** How long a node's token list outlives its newest token (a node that went away leaves nothing behind for ever). */
const LIST_GRACE_MS = 3_600_000;

/**
 * Bookkeeping of the hand-off tokens put into a node's FreeSWITCH hash: FreeSWITCH's hash does not expire
 * entries, so every token is listed here with its expiry, and the controllers serving the node delete the
 * unused ones from the switch once they expire (a used token deletes itself, in the cluster dialplan).
 */
export class HandoffTokenStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
  ) {}

  /** Lists a token put into `node`'s hash, to be removed from it after `expiresAt` (epoch ms). */
  async record(node: string, token: string, expiresAt: number): Promise<void> {
    const key = this.keys.nodeTokens(node);
    await Promise.all([this.redis.zadd(key, expiresAt, token), this.redis.pexpireat(key, expiresAt + LIST_GRACE_MS)]);
  }

  /** Tokens of `node` that expired by `now`, oldest first (at most `limit`). */
  async expired(node: string, now: number, limit = 100): Promise<string[]> {
    return this.redis.zrangebyscore(this.keys.nodeTokens(node), '-inf', now, 'LIMIT', 0, limit);
  }

  /** Forgets tokens that were removed from the switch. */
  async forget(node: string, tokens: readonly string[]): Promise<void> {
    if (tokens.length > 0) await this.redis.zrem(this.keys.nodeTokens(node), ...tokens);
  }
}
