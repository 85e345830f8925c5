/** A resettable wake-up signal: `wait` resolves on the next `wake` or after a timeout. */
export class Wakeup {
  private waiters: Array<() => void> = [];

  /** Resolves on the next `wake()`, or after `timeoutMs` if given. */
  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        if (timer) clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== done);
        resolve();
      };
      this.waiters.push(done);
      if (timeoutMs !== undefined) timer = setTimeout(done, Math.max(0, timeoutMs));
    });
  }

  /** Releases every pending `wait`. */
  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
