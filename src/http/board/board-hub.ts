import type { Logger } from 'pino';
import { reasonOf } from '../../logger.ts';
import type { AdminContext } from '../admin-context.ts';
import { DomainWatch, type DomainWatchSettings } from './domain-watch.ts';
import type { EventStream } from '../event-stream.ts';
import { RingingGroups } from './ringing-groups.ts';

export interface BoardSettings extends DomainWatchSettings {
  /** Board streams open at once on this controller (each domain watched also holds a Redis connection). */
  readonly maxStreams: number;
}

export const DEFAULT_BOARD_SETTINGS: BoardSettings = Object.freeze({ maxStreams: 50, debounceMs: 75, pickupsShown: 20, retryMs: 1_000 });

/** Why a board stream was not opened; each is a 503 (try again later). */
export class BoardRefusal extends Error {
  constructor(readonly reason: 'busy' | 'stopping' | 'unavailable') {
    super(REFUSALS[reason]);
  }
}

const REFUSALS = {
  busy: 'too many boards are open on this controller; try again later',
  stopping: 'the controller is stopping',
  unavailable: 'Redis does not answer; try again later',
} as const;

/** Attaches an opened stream: it gets the snapshot at once, then the changes. */
export type AttachStream = (stream: EventStream) => void;

/**
 * Every open board stream of the controller: at most `maxStreams`, grouped by domain, each domain's state read and
 * followed once for all its boards (a DomainWatch, closed with its last stream). Routes the change notices of
 * `<prefix>:calls` to the watch of their domain; `close` ends every stream (the HTTP server then closes).
 */
export class BoardHub {
  private readonly watches = new Map<string, { readonly watch: DomainWatch; holders: number }>();
  private readonly ringing: RingingGroups;
  private openStreams = 0;
  private stopping = false;
  private readonly log: Logger;

  constructor(
    private readonly admin: AdminContext,
    private readonly settings: BoardSettings,
  ) {
    this.log = admin.logger.child({ module: 'board' });
    this.ringing = new RingingGroups(admin.calls, admin.redis, admin.keys, admin.preferences);
    admin.feed.on(admin.keys.callChanges(), (message) => this.callsChanged(message));
    // Notices published while the feed was not subscribed are lost: every watched group is read again.
    admin.feed.onSubscribed(() => {
      for (const { watch } of this.watches.values()) watch.refreshAll();
    });
  }

  /**
   * Takes one of the streams and the domain's state (read now unless another board watches the domain). Rejects with
   * a BoardRefusal; resolves with what attaches the stream, to be called at once.
   */
  async admit(domain: string): Promise<AttachStream> {
    if (this.stopping) throw new BoardRefusal('stopping');
    if (this.openStreams >= this.settings.maxStreams) throw new BoardRefusal('busy');
    this.openStreams++;
    const entry = this.hold(domain);
    const release = (): void => {
      this.openStreams--;
      if (--entry.holders > 0) return;
      entry.watch.close();
      if (this.watches.get(domain) === entry) this.watches.delete(domain);
    };
    try {
      await entry.watch.ready;
    } catch (error) {
      release();
      this.log.warn({ domain, reason: reasonOf(error) }, 'board could not read the domain; stream refused');
      throw new BoardRefusal('unavailable');
    }
    return (stream) => {
      stream.onClose(release);
      if (this.stopping) return stream.end();
      entry.watch.add(stream);
      stream.send('snapshot', { ...entry.watch.snapshot(), pickupPrefix: this.admin.pickupPrefix });
    };
  }

  /** Refuses new streams and ends the open ones. */
  close(): void {
    this.stopping = true;
    for (const { watch } of this.watches.values()) watch.close();
  }

  private hold(domain: string): { readonly watch: DomainWatch; holders: number } {
    let entry = this.watches.get(domain);
    if (!entry) {
      const { records, redis, keys } = this.admin;
      entry = { watch: new DomainWatch(domain, { ringing: this.ringing, records, redis, keys }, this.settings, this.log), holders: 0 };
      this.watches.set(domain, entry);
    }
    entry.holders++;
    return entry;
  }

  private callsChanged(message: string): void {
    const change = parseCallChange(message);
    if (change) this.watches.get(change.domain)?.watch.changed(change.groups);
  }
}

/** `{domain, groups}` as the store's scripts publish it; undefined for anything else. */
function parseCallChange(message: string): { domain: string; groups: string[] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { domain, groups } = parsed as { domain?: unknown; groups?: unknown };
  if (typeof domain !== 'string' || !Array.isArray(groups)) return undefined;
  return { domain, groups: groups.filter((group): group is string => typeof group === 'string') };
}
