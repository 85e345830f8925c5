/** A reply being waited for: settled once, by its answer, its timeout, or the loss of the connection. */
interface PendingEntry {
  reject(error: Error): void;
}

/** Keeps every outstanding wait of one client so that none can hang past a timeout or a disconnect. */
export class PendingSet {
  private readonly entries = new Set<PendingEntry>();

  /** Creates a wait that rejects with `onTimeout()` after `timeoutMs`. */
  add<T>(timeoutMs: number, onTimeout: () => Error): { promise: Promise<T>; resolve(value: T): void; reject(error: Error): void } {
    let settle!: { resolve(value: T): void; reject(error: Error): void };
    const promise = new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => entry.reject(onTimeout()), timeoutMs);
      const entry: PendingEntry & { resolve(value: T): void } = {
        resolve: (value) => {
          if (!this.entries.delete(entry)) return;
          clearTimeout(timer);
          resolve(value);
        },
        reject: (error) => {
          if (!this.entries.delete(entry)) return;
          clearTimeout(timer);
          reject(error);
        },
      };
      this.entries.add(entry);
      settle = entry;
    });
    return { promise, resolve: settle.resolve, reject: settle.reject };
  }

  /** Rejects everything still waiting. */
  rejectAll(error: Error): void {
    for (const entry of [...this.entries]) entry.reject(error);
  }
}
