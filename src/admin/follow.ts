import type { PickupRecordStore, StoredPickupRecord } from '../store/pickup-records.ts';

/** How long one blocking read waits: less than the 5 s command timeout of pickupctl's connections (createRedis). */
const BLOCK_MS = 2_000;

/**
 * Hands the records appended to a domain's stream after `after` (an id) to `print` as they come, until `stop` is
 * aborted. `records` must be on a connection of its own (XREAD BLOCK holds it); whoever aborts `stop` may close
 * that connection to end a blocked read at once: the read's failure is then the expected end, not an error.
 */
export async function followRecords(
  records: PickupRecordStore,
  domain: string,
  after: string,
  print: (records: readonly StoredPickupRecord[]) => void,
  stop: AbortSignal,
): Promise<void> {
  let last = after;
  while (!stop.aborted) {
    let appended: StoredPickupRecord[];
    try {
      appended = await records.follow(domain, last, BLOCK_MS);
    } catch (error) {
      if (stop.aborted) return;
      throw error;
    }
    print(appended);
    last = appended.at(-1)?.id ?? last;
  }
}

/** A signal aborted by the first Ctrl-C (SIGINT) or SIGTERM; `dispose` gives both back to Node's default handling. */
export function terminationSignal(): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}
