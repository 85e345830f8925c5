/**
 * The admin API's pickup records: pages newest first (`before` the last id), and the live follow as server-sent
 * events — each record appended with PickupRecordStore arrives as one `pickup` event with its stream id, a client
 * resumes from Last-Event-ID, heartbeats keep it open, the number of follows is bounded, and a closing server ends
 * the open streams instead of waiting for them.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminApi, API_PREFIX } from '../../src/http/api/admin-api.ts';
import type { PickupRecord } from '../../src/store/pickup-records.ts';
import { pickupRecord } from '../helpers/pickup-record.ts';
import { type ApiBed, AUTH, startApiBed } from './api-app.ts';

let bed: ApiBed;

beforeAll(async () => {
  bed = await startApiBed();
});

afterAll(() => bed?.close());

/** The records of these tests: a caller name with a quote and a line break. */
function record(changes: Partial<PickupRecord> = {}): PickupRecord {
  return pickupRecord({ callerName: 'Anna "A" Schmidt\r\n', ...changes });
}

/** One server-sent event as the client parses it. */
interface ServerEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
  readonly retry?: string;
}

/** A follow opened over HTTP, parsed as it comes. */
interface OpenStream {
  readonly status: number;
  readonly contentType: string | null;
  /** The next event (or comment) that matches, waiting for it. */
  next(matches: (event: ServerEvent) => boolean, timeoutMs?: number): Promise<ServerEvent>;
  /** Resolves when the server ended the stream. */
  readonly ended: Promise<void>;
  close(): void;
}

async function follow(base: string, domain: string, headers: Record<string, string> = {}, query = ''): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await fetch(`${base}${API_PREFIX}/domains/${domain}/pickups/stream${query}`, { headers: { ...AUTH, ...headers }, signal: abort.signal });
  const received: ServerEvent[] = [];
  const waiters = new Set<() => void>();
  let pending = '';
  const ended = (async () => {
    if (!response.body) return;
    const decoder = new TextDecoder();
    try {
      for await (const chunk of response.body) {
        pending += decoder.decode(chunk as Uint8Array, { stream: true });
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          received.push(parse(pending.slice(0, end)));
          pending = pending.slice(end + 2);
        }
        for (const wake of [...waiters]) wake();
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    ended,
    close: () => abort.abort(),
    next: (matches, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const look = (): void => {
          const index = received.findIndex(matches);
          if (index < 0) return;
          const [found] = received.splice(0, index + 1).slice(-1);
          waiters.delete(look);
          clearTimeout(timer);
          resolve(found!);
        };
        const timer = setTimeout(() => {
          waiters.delete(look);
          reject(new Error(`no matching event within ${timeoutMs} ms; pending: ${JSON.stringify(received)}`));
        }, timeoutMs);
        waiters.add(look);
        look();
      }),
  };
}

function parse(block: string): ServerEvent {
  const event: Record<string, string> = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) event.comment = line.slice(1).trim();
    else {
      const colon = line.indexOf(':');
      event[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
    }
  }
  return event;
}

const isPickup = (event: ServerEvent): boolean => event.event === 'pickup';

describe('pages of records', () => {
  it('walks a domain newest first with `before`, every record once; an unmeasured time is null', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 45; i += 1) ids.push(await bed.admin.records.append(record({ domain: 'paged-records.test', attempts: i })));
    const seen: string[] = [];
    let url: string | null = `${API_PREFIX}/domains/paged-records.test/pickups?limit=20`;
    const sizes: number[] = [];
    while (url !== null) {
      const page = (await bed.call({ method: 'GET', url })).json() as { records: Array<{ id: string }>; next: string | null; nextUrl: string | null };
      seen.push(...page.records.map((r) => r.id));
      sizes.push(page.records.length);
      url = page.nextUrl;
    }
    expect(sizes).toEqual([20, 20, 5]);
    expect(seen).toEqual([...ids].reverse());
    const [newest] = (await bed.call({ method: 'GET', url: `${API_PREFIX}/domains/paged-records.test/pickups?limit=1` })).json().records;
    expect(newest).toEqual({ id: ids.at(-1), ...record({ domain: 'paged-records.test', attempts: 44 }), pickupMs: null });
  });

  it.each([
    ['a malformed id', '?before=12', 'querystring.before'],
    ['a page of 0', '?limit=0', 'querystring.limit'],
    ['an unknown query', '?after=1-0', 'querystring.after'],
  ])('refuses %s', async (_what, query, entry) => {
    const response = await bed.call({ method: 'GET', url: `${API_PREFIX}/domains/paged-records.test/pickups${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code: 'FSP_ERR_INVALID_REQUEST', entry });
  });
});

describe('following records (server-sent events)', () => {
  let base: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    // The controller's HTTP application and stores on a port of its own, with a short heartbeat and two follows at most.
    app = Fastify();
    await app.register(adminApi, { prefix: API_PREFIX, admin: bed.admin, follow: { maxFollowers: 2, heartbeatMs: 100 } });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => app?.close());

  it('sends each record appended as one `pickup` event with its stream id, and resumes after Last-Event-ID', async () => {
    const domain = 'follow.test';
    const old = await bed.admin.records.append(record({ domain, attempts: 0 }));
    const stream = await follow(base, domain);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toBe('text/event-stream; charset=utf-8');
    await stream.next((event) => event.retry !== undefined);
    const first = await bed.admin.records.append(record({ domain, attempts: 1 }));
    const event = await stream.next(isPickup);
    expect(event.id).toBe(first);
    // Nothing from before the follow began (no Last-Event-ID): it starts now.
    expect(event.id).not.toBe(old);
    expect(JSON.parse(event.data!)).toEqual({ id: first, ...record({ domain, attempts: 1 }), pickupMs: null });
    stream.close();

    // Appended while no one follows: a client that comes back with the last id it got misses none and repeats none.
    const second = await bed.admin.records.append(record({ domain, attempts: 2 }));
    const third = await bed.admin.records.append(record({ domain, attempts: 3 }));
    const resumed = await follow(base, domain, { 'last-event-id': first });
    expect((await resumed.next(isPickup)).id).toBe(second);
    expect((await resumed.next(isPickup)).id).toBe(third);
    const fourth = await bed.admin.records.append(record({ domain, attempts: 4 }));
    expect((await resumed.next(isPickup)).id).toBe(fourth);
    resumed.close();

    // `after` 0-0: every record kept, oldest first.
    const everything = await follow(base, domain, {}, '?after=0-0');
    for (const id of [old, first, second, third, fourth]) expect((await everything.next(isPickup)).id).toBe(id);
    everything.close();
  });

  it('keeps a quiet stream open with heartbeat comments', async () => {
    const stream = await follow(base, 'quiet.test');
    expect((await stream.next((event) => event.comment === 'heartbeat')).comment).toBe('heartbeat');
    expect((await stream.next((event) => event.comment === 'heartbeat')).comment).toBe('heartbeat');
    stream.close();
  });

  it('serves a bounded number of follows (503 beyond), and a follow the client left frees its place', async () => {
    const [one, two] = [await follow(base, 'bounded.test'), await follow(base, 'bounded.test')];
    await Promise.all([one.next((event) => event.retry !== undefined), two.next((event) => event.retry !== undefined)]);
    const refused = await fetch(`${base}${API_PREFIX}/domains/bounded.test/pickups/stream`, { headers: AUTH });
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ code: 'FSP_ERR_TOO_MANY_FOLLOWERS', message: '2 clients already follow the pickup records on this controller; try again later' });
    one.close();
    await expect.poll(async () => {
      const again = await fetch(`${base}${API_PREFIX}/domains/bounded.test/pickups/stream`, { headers: AUTH, signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
      const status = again?.status;
      await again?.body?.cancel();
      return status;
    }).toBe(200);
    two.close();
  });

  it('refuses a bad domain or Last-Event-ID before streaming', async () => {
    const badDomain = await fetch(`${base}${API_PREFIX}/domains/bad..domain/pickups/stream`, { headers: AUTH });
    expect(badDomain.status).toBe(400);
    expect(await badDomain.json()).toMatchObject({ code: 'FSP_ERR_INVALID_USER', entry: 'bad..domain' });
    const badId = await fetch(`${base}${API_PREFIX}/domains/follow.test/pickups/stream`, { headers: { ...AUTH, 'last-event-id': 'x' } });
    expect(badId.status).toBe(400);
    expect(await badId.json()).toMatchObject({ code: 'FSP_ERR_INVALID_REQUEST', entry: 'headers.last-event-id' });
    const head = await fetch(`${base}${API_PREFIX}/domains/follow.test/pickups/stream`, { method: 'HEAD', headers: AUTH });
    expect(head.status).toBe(404);
  });

  it('ends the open streams when the server closes, instead of keeping it open', async () => {
    const closing = Fastify();
    await closing.register(adminApi, { prefix: API_PREFIX, admin: bed.admin });
    await closing.listen({ host: '127.0.0.1', port: 0 });
    const address = closing.server.address();
    const stream = await follow(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, 'closing.test');
    await stream.next((event) => event.retry !== undefined);
    const started = Date.now();
    await closing.close();
    await stream.ended;
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
