import type { EslEvent } from '../esl/event.ts';

type Watcher = (event: EslEvent) => void;

/**
 * Lets a pickup in progress wait for events of the channels it drives (the picker, a token leg, the outbound
 * leg of a hand-off). Events are routed by Unique-ID and by Other-Leg-Unique-ID, so a new leg created by a
 * channel's bridge reaches the watcher of that channel.
 */
export class ChannelWatches {
  private readonly watchers = new Map<string, Set<Watcher>>();

  /** Feeds every event the controller receives. */
  observe(event: EslEvent): void {
    const own = event.headers['Unique-ID'];
    const other = event.headers['Other-Leg-Unique-ID'];
    if (own) for (const watcher of this.watchers.get(own) ?? []) watcher(event);
    if (other && other !== own) for (const watcher of this.watchers.get(other) ?? []) watcher(event);
  }

  /**
   * Resolves with the first event about `uuid` for which `decide` returns a value (not undefined), or with
   * undefined after `timeoutMs` or on cancel().
   */
  waitFor<T>(uuid: string, decide: (event: EslEvent) => T | undefined, timeoutMs: number): { result: Promise<T | undefined>; cancel(): void } {
    let finish!: (value: T | undefined) => void;
    const result = new Promise<T | undefined>((resolve) => {
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const watcher: Watcher = (event) => {
        const value = decide(event);
        if (value !== undefined) finish(value);
      };
      finish = (value) => {
        clearTimeout(timer);
        const set = this.watchers.get(uuid);
        set?.delete(watcher);
        if (set?.size === 0) this.watchers.delete(uuid);
        resolve(value);
      };
      this.watchers.set(uuid, (this.watchers.get(uuid) ?? new Set()).add(watcher));
    });
    return { result, cancel: () => finish(undefined) };
  }
}
