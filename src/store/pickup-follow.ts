import type { PickupRecordStore, StoredPickupRecord } from './pickup-records.ts';

/** How long one blocking read waits: under the 5 s command timeout of every connection createRedis makes. */
const BLOCK_MS = 2_000;

/**
 * Hands the records appended to a domain's stream after `after` (an id) to `deliver` as they come — an empty batch
 * after each read that found nothing, at least every 2 s — until `stop` is aborted. `records` must be on a connection
 * of its own (XREAD BLOCK holds it); whoever aborts `stop` may close that connection to end a blocked read at once:
 * the read's failure is then the expected end, not an error.
 */
export async function followRecords(
  records: PickupRecordStore,
  domain: string,
  after: string,
  deliver: (records: readonly StoredPickupRecord[]) => void,
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
    deliver(appended);
    last = appended.at(-1)?.id ?? last;
  }
}
