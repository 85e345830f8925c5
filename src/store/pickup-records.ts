import type { Keys } from './keys.ts';
import type { RedisConnection } from './redis-connection.ts';

/** What happened to one pickup request, for a CDR or a report. Text fields are as received, bounded in length. */
export interface PickupRecord {
  /** When the request reached the controller (epoch ms). */
  readonly at: number;
  readonly domain: string;
  /** The picker's extension (its directory user). */
  readonly picker: string;
  readonly pickerUuid: string;
  readonly pickerNode: string;
  /** group | my-groups | extension | queue | legacy-group, or '' when the dialled string was not a pickup code. */
  readonly form: string;
  readonly dialled: string;
  /** The group, extension or queue asked for ('' for legacy group pickup and for my-groups). */
  readonly target: string;
  /** picked | failed | abandoned | caller-dropped (FreeSWITCH's intercept race hung the caller up, capture 18) */
  readonly result: string;
  /** Why it failed (not-permitted, nothing-to-pick…) and the hangup cause the phone got; '' when picked. */
  readonly failure: string;
  readonly cause: string;
  /** The call picked up (or last tried) and where it rang; '' when none was claimed. */
  readonly callUuid: string;
  readonly callerNumber: string;
  readonly callerName: string;
  readonly callNode: string;
  readonly attempts: number;
  /** Request → intercept or hand-off written; undefined when none was written. */
  readonly decisionMs: number | undefined;
  /** Request → the picker connected; undefined when not connected (or not seen). */
  readonly pickupMs: number | undefined;
}

/** A record with its stream id (`<ms>-<seq>`: ordered, usable to page and to follow). */
export interface StoredPickupRecord {
  readonly id: string;
  readonly record: PickupRecord;
}

/** How long a domain's stream lives after its last record. */
const STREAM_TTL_SECONDS = 30 * 24 * 3600;
const FIELDS: ReadonlyArray<keyof PickupRecord> = [
  'at', 'domain', 'picker', 'pickerUuid', 'pickerNode', 'form', 'dialled', 'target', 'result', 'failure', 'cause',
  'callUuid', 'callerNumber', 'callerName', 'callNode', 'attempts', 'decisionMs', 'pickupMs',
];
const NUMBERS = new Set<keyof PickupRecord>(['at', 'attempts', 'decisionMs', 'pickupMs']);

/** The pickup records of each domain: a capped Redis Stream per domain (`fsp:{<domain>}:pickups`). */
export class PickupRecordStore {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Keys,
    /** Records kept per domain (approximately: Redis trims whole macro nodes). */
    private readonly maxLength = 10_000,
  ) {}

  /** Appends a record; resolves with its id. */
  async append(record: PickupRecord): Promise<string> {
    const key = this.keys.pickups(record.domain);
    const fields = FIELDS.flatMap((field) => [field, record[field] === undefined ? '' : String(record[field])]);
    const [id] = await Promise.all([this.redis.xadd(key, 'MAXLEN', '~', this.maxLength, '*', ...fields), this.redis.expire(key, STREAM_TTL_SECONDS)]);
    return id as string;
  }

  /** The newest `count` records of a domain, newest first, older than `before` (an id) when given. */
  async recent(domain: string, count: number, before?: string): Promise<StoredPickupRecord[]> {
    const end = before === undefined ? '+' : `(${before}`;
    return recordsOf(await this.redis.xrevrange(this.keys.pickups(domain), end, '-', 'COUNT', count));
  }

  /**
   * Records appended after `after` (an id; '$' = from now on), waiting up to `blockMs` for the first one. Blocks the
   * connection: use one of its own.
   */
  async follow(domain: string, after: string, blockMs: number): Promise<StoredPickupRecord[]> {
    const reply = await this.redis.xread('BLOCK', blockMs, 'STREAMS', this.keys.pickups(domain), after);
    return recordsOf(reply?.[0]?.[1] ?? []);
  }
}

function recordsOf(entries: ReadonlyArray<[string, string[]]>): StoredPickupRecord[] {
  return entries.map(([id, flat]) => {
    const values = new Map<string, string>();
    for (let i = 0; i + 1 < flat.length; i += 2) values.set(flat[i]!, flat[i + 1]!);
    const record = Object.fromEntries(
      FIELDS.map((field) => {
        const text = values.get(field) ?? '';
        return [field, NUMBERS.has(field) ? (text === '' ? undefined : Number(text)) : text];
      }),
    ) as unknown as PickupRecord;
    return { id, record };
  });
}
