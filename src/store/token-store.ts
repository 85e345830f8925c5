import type { CallKind } from '../esl/channel-facts.ts';
import { StoreReplyError } from './errors.ts';
import type { Keys } from './keys.ts';
import type { RedisConnection } from './redis-connection.ts';
import { runScript } from './scripts.ts';

/** What a cross-node pickup token stands for. */
export interface HandoffTicket {
  readonly domain: string;
  readonly callUuid: string;
  readonly callKind: CallKind;
  /** The node the call rings on: the only node where the token may be used. */
  readonly node: string;
  readonly pickerUuid: string;
  readonly pickerNode: string;
}

/** One-time tokens for cross-node pickups: random, single use, short-lived (never a bare uuid). */
export class TokenStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
  ) {}

  /** Stores a fresh token; it expires after `ttlMs` if nobody uses it. */
  async issue(token: string, ticket: HandoffTicket, ttlMs: number): Promise<void> {
    const [key] = this.keys.token(token);
    const reply = await this.redis.set(key, JSON.stringify(ticket), 'PX', ttlMs, 'NX');
    if (reply !== 'OK') throw new StoreReplyError('token collision');
  }

  /**
   * Uses a token for the token call `legUuid`: the ticket on first use, 'again' when the same leg asks again
   * (another controller serving the node), undefined when forged, reused by another leg, or expired.
   */
  async consume(token: string, legUuid: string): Promise<HandoffTicket | 'again' | undefined> {
    const reply = await runScript(this.redis, 'consumeToken', this.keys.token(token), [legUuid, 60_000]);
    if (reply === null) return undefined;
    if (reply === 'again') return 'again';
    if (typeof reply !== 'string') throw new StoreReplyError(`consumeToken replied ${JSON.stringify(reply)}`);
    return JSON.parse(reply) as HandoffTicket;
  }
}
