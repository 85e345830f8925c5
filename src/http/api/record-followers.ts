import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { reasonOf } from '../../logger.ts';
import type { Keys } from '../../store/keys.ts';
import { followRecords } from '../../store/pickup-follow.ts';
import { PickupRecordStore, type StoredPickupRecord } from '../../store/pickup-records.ts';
import type { RedisConnection } from '../../store/redis-connection.ts';
import { TooManyFollowersError } from './errors.ts';
import { EventStream } from '../event-stream.ts';

export interface RecordFollowSettings {
  /** Live follows served at once by this controller: each holds a Redis connection of its own. */
  readonly maxFollowers: number;
  /** A comment line this often keeps a quiet stream open through proxies. */
  readonly heartbeatMs: number;
}

export const DEFAULT_RECORD_FOLLOW_SETTINGS: RecordFollowSettings = Object.freeze({ maxFollowers: 16, heartbeatMs: 15_000 });

/**
 * The live follows of the pickup records (server-sent events), at most `maxFollowers` at once. Each reads with XREAD
 * BLOCK on a Redis connection of its own (a duplicate of the controller's), closed when its stream ends: when the
 * client goes, when Redis fails (the client reconnects and resumes from its Last-Event-ID), or at `closeAll` — the
 * server's stop, which would otherwise wait for ever for the open responses.
 */
export class RecordFollowers {
  private readonly open = new Set<AbortController>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    private readonly settings: RecordFollowSettings,
    private readonly log: Logger,
  ) {}

  /** Throws TooManyFollowersError when every place is taken: right before `stream`, with nothing awaited between. */
  assertRoom(): void {
    if (this.open.size >= this.settings.maxFollowers) throw new TooManyFollowersError(this.settings.maxFollowers);
  }

  /** Streams a domain's records after `after` into `response` (a hijacked reply) until the client goes or the server stops. */
  stream(response: ServerResponse, domain: string, after: string, event: (stored: StoredPickupRecord) => unknown): void {
    const stop = new AbortController();
    this.open.add(stop);
    void this.run(new EventStream(response, { heartbeatMs: this.settings.heartbeatMs }), domain, after, event, stop).finally(() => this.open.delete(stop));
  }

  /** Ends every follow (the server stops). */
  closeAll(): void {
    for (const stop of this.open) stop.abort();
  }

  private async run(stream: EventStream, domain: string, after: string, event: (stored: StoredPickupRecord) => unknown, stop: AbortController): Promise<void> {
    const connection = this.redis.duplicate();
    connection.on('error', (error: Error) => this.log.debug({ domain, reason: reasonOf(error) }, 'pickup record follow: connection problem'));
    // A blocked read ends at once when its connection closes: the expected end of the follow.
    stop.signal.addEventListener('abort', () => connection.disconnect(), { once: true });
    stream.onClose(() => stop.abort());
    try {
      await connected(connection, stop.signal);
      await followRecords(new PickupRecordStore(connection, this.keys), domain, after, (records) => records.forEach((stored) => stream.send('pickup', event(stored), stored.id)), stop.signal);
    } catch (error) {
      if (!stop.signal.aborted) this.log.info({ domain, reason: reasonOf(error) }, 'pickup record follow ended: Redis failed; the client may resume');
    } finally {
      stop.abort();
      stream.end();
    }
  }
}

/** Resolves once the connection is ready (connecting a lazy one); rejects when `signal` aborts first. */
async function connected(connection: RedisConnection, signal: AbortSignal): Promise<void> {
  if (connection.status === 'wait') await connection.connect();
  else if (connection.status !== 'ready') await once(connection, 'ready', { signal });
}
