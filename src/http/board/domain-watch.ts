import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { reasonOf } from '../../logger.ts';
import type { Keys } from '../../store/keys.ts';
import { followRecords } from '../../store/pickup-follow.ts';
import { PickupRecordStore, type StoredPickupRecord } from '../../store/pickup-records.ts';
import type { RedisConnection } from '../../store/redis-connection.ts';
import type { EventStream } from '../event-stream.ts';
import type { BoardGroup, RingingGroups } from './ringing-groups.ts';

/** What a board gets when it connects; `groups` and `pickup` events then carry the changes. */
export interface DomainSnapshot {
  readonly domain: string;
  /** The server's clock when sent (epoch ms): boards time the ringing against it, not against their own clock. */
  readonly serverTime: number;
  /** Every call group of the domain, by name. */
  readonly groups: readonly BoardGroup[];
  /** The last pickup records, newest first. */
  readonly pickups: readonly StoredPickupRecord[];
}

export interface DomainWatchSettings {
  /** Changes announced within this time after the first are read together. */
  readonly debounceMs: number;
  readonly pickupsShown: number;
  /** A failed read is tried again after this long. */
  readonly retryMs: number;
}

export interface DomainWatchSources {
  readonly ringing: RingingGroups;
  readonly records: PickupRecordStore;
  /** Duplicated for the blocking reads of the records stream. */
  readonly redis: RedisConnection;
  readonly keys: Keys;
}

/**
 * The live state of one domain for the boards watching it, shared by all of them: the ringing calls of every call
 * group and the last pickups. Groups named in a change notice are read again (debounced); records are followed as
 * they are appended, on a connection of the watch's own.
 */
export class DomainWatch {
  /** Resolves once the first state is read; the watch is useless if it rejects. */
  readonly ready: Promise<void>;
  private readonly groups = new Map<string, BoardGroup>();
  private pickups: StoredPickupRecord[] = [];
  private readonly streams = new Set<EventStream>();
  private readonly pending = new Set<string>();
  private flushTimer: NodeJS.Timeout | undefined;
  private flushing = false;
  private readonly closing = new AbortController();
  private follower: RedisConnection | undefined;

  constructor(
    readonly domain: string,
    private readonly sources: DomainWatchSources,
    private readonly settings: DomainWatchSettings,
    private readonly log: Logger,
  ) {
    this.ready = this.load();
  }

  snapshot(): DomainSnapshot {
    const groups = [...this.groups.values()].sort((a, b) => a.group.localeCompare(b.group, 'en', { numeric: true }));
    return { domain: this.domain, serverTime: Date.now(), groups, pickups: this.pickups };
  }

  /** The stream gets every change from now on, until it closes. */
  add(stream: EventStream): void {
    this.streams.add(stream);
    stream.onClose(() => this.streams.delete(stream));
  }

  /** What rings in these groups may have changed. */
  changed(groups: readonly string[]): void {
    for (const group of groups) this.pending.add(group);
    this.scheduleFlush(this.settings.debounceMs);
  }

  /** Reads every group again (change notices may have been lost). */
  refreshAll(): void {
    this.changed([...this.groups.keys()]);
  }

  /** Stops watching and ends the streams. */
  close(): void {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    clearTimeout(this.flushTimer);
    // A blocked read fails at once: the expected end of the follow loop.
    this.follower?.disconnect();
    for (const stream of this.streams) stream.end();
  }

  private async load(): Promise<void> {
    const { ringing, records } = this.sources;
    const [names, pickups] = await Promise.all([ringing.groupsOf(this.domain), records.recent(this.domain, this.settings.pickupsShown)]);
    for (const group of await ringing.read(this.domain, names)) this.groups.set(group.group, group);
    this.pickups = pickups;
    if (!this.closing.signal.aborted) void this.followRecords(pickups[0]?.id ?? '0-0');
  }

  private scheduleFlush(delayMs: number): void {
    if (this.flushTimer || this.flushing || this.closing.signal.aborted) return;
    this.flushTimer = setTimeout(() => void this.flush(), delayMs);
  }

  private async flush(): Promise<void> {
    this.flushTimer = undefined;
    this.flushing = true;
    const names = [...this.pending];
    this.pending.clear();
    let failed = false;
    try {
      // Changes announced while the first state was read are read after it, so they are never overwritten by it.
      await this.ready;
      const groups = await this.sources.ringing.read(this.domain, names);
      for (const group of groups) this.groups.set(group.group, group);
      this.broadcast('groups', { serverTime: Date.now(), groups });
    } catch (error) {
      failed = true;
      for (const name of names) this.pending.add(name);
      this.log.debug({ domain: this.domain, reason: reasonOf(error) }, 'board could not read the ringing calls; trying again');
    } finally {
      this.flushing = false;
    }
    if (this.pending.size > 0) this.scheduleFlush(failed ? this.settings.retryMs : this.settings.debounceMs);
  }

  private async followRecords(after: string): Promise<void> {
    const { signal } = this.closing;
    const connection = this.sources.redis.duplicate();
    this.follower = connection;
    connection.on('error', (error: Error) => this.log.debug({ domain: this.domain, reason: reasonOf(error) }, 'board records connection problem'));
    const records = new PickupRecordStore(connection, this.sources.keys);
    let last = after;
    // When the first connect fails the connection retries on its own; the reads below wait for it.
    await connection.connect().catch(() => undefined);
    while (!signal.aborted) {
      try {
        await followRecords(records, this.domain, last, (appended) => {
          if (appended.length === 0) return;
          last = appended.at(-1)!.id;
          this.pickups = [...appended].reverse().concat(this.pickups).slice(0, this.settings.pickupsShown);
          for (const pickup of appended) this.broadcast('pickup', pickup);
        }, signal);
      } catch (error) {
        this.log.debug({ domain: this.domain, reason: reasonOf(error) }, 'board could not read the pickup records; trying again');
        await sleep(this.settings.retryMs, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private broadcast(event: string, data: unknown): void {
    for (const stream of this.streams) stream.send(event, data);
  }
}
