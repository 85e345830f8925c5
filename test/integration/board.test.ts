/**
 * The pickup board's routes on a real Redis (the controller's own connection settings and change feed), reached
 * over HTTP: the token (link, form, cookie, bearer), the security headers, the domain's live state over
 * server-sent events, the bound on open streams and their end when the server closes.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import type { AdminContext } from '../../src/http/admin-context.ts';
import { ApiToken } from '../../src/http/api-token.ts';
import type { BoardSettings } from '../../src/http/board/board-hub.ts';
import { boardRoutes } from '../../src/http/board/board-routes.ts';
import { CallStore } from '../../src/store/call-store.ts';
import { ChangeFeed } from '../../src/store/change-feed.ts';
import { GroupSettingsStore } from '../../src/store/group-settings-store.ts';
import { Keys } from '../../src/store/keys.ts';
import { NodeRegistry } from '../../src/store/node-registry.ts';
import { type PickupRecord, PickupRecordStore } from '../../src/store/pickup-records.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { createRedis, type RedisConnection } from '../../src/store/redis-connection.ts';
import { startRedisServer } from '../helpers/redis-server.ts';

/** Characters a cookie value cannot hold as they are. */
const TOKEN = 'board-Token;5e1f=%9a+"x';
const logLines: string[] = [];
const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
/** The controller's stores on one Redis: its connection settings (createRedis) and its change feed. */
interface Stores {
  readonly redis: RedisConnection;
  readonly keys: Keys;
  readonly feed: ChangeFeed;
  readonly calls: CallStore;
  readonly preferences: PreferenceStore;
  readonly records: PickupRecordStore;
}

let shared: Stores;
const apps: FastifyInstance[] = [];
const opened: Stores[] = [];

async function connectStores(url: string): Promise<Stores> {
  const redis = createRedis({ kind: 'single', url });
  redis.on('error', () => undefined); // the outage test stops its Redis on purpose
  await redis.connect();
  const keys = new Keys(`t${randomUUID().slice(0, 8)}`);
  const feed = new ChangeFeed(redis, logger);
  // Subscribed to the board's channel before the first app exists, as in the controller.
  feed.on(keys.callChanges(), () => undefined);
  feed.start();
  await until(() => feed.isSubscribed);
  const stores = { redis, keys, feed, calls: new CallStore(redis, keys), preferences: new PreferenceStore(redis, keys), records: new PickupRecordStore(redis, keys) };
  opened.push(stores);
  return stores;
}

/** A board app (only the board's routes) listening on a free port; `token` null: no FSP_API_TOKEN. */
async function startBoard(token: string | null = TOKEN, settings: Partial<BoardSettings> = {}, stores: Stores = shared): Promise<{ app: FastifyInstance; url: string }> {
  const { redis, keys, feed, calls, preferences, records } = stores;
  const admin: AdminContext = {
    token: token === null ? undefined : new ApiToken(token),
    redis,
    keys,
    calls,
    preferences,
    groupSettings: new GroupSettingsStore(redis, keys),
    registry: new NodeRegistry(redis, keys, 'board-test'),
    records,
    feed,
    pickupPrefix: '88',
    logger,
  };
  // Logging as the controller's HTTP server does (src/http/server.ts): errors, not each request.
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
  await app.register(boardRoutes, { admin, settings });
  await app.listen({ host: '127.0.0.1', port: 0 });
  apps.push(app);
  const address = app.server.address();
  return { app, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

beforeAll(async () => {
  shared = await connectStores(inject('redisUrl'));
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  for (const { feed, redis } of opened) {
    feed.stop();
    redis.disconnect();
  }
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A domain whose users 200 and 201 are in call group Sales and 202 in Support. */
async function salesDomain(stores: Stores = shared): Promise<string> {
  const domain = `b${randomUUID().slice(0, 8)}.test`;
  const users = { '200': ['Sales'], '201': ['Sales'], '202': ['Support'] };
  await stores.preferences.setMany(Object.entries(users).map(([extension, callGroups]) => ({ user: { extension, domain }, preferences: { ...EMPTY_PREFERENCES, callGroups } })));
  return domain;
}

async function ring(domain: string, extension: string, caller: { number?: string; name?: string } = {}, stores: Stores = shared): Promise<string> {
  const callUuid = randomUUID();
  await stores.calls.addRingingLeg({ legUuid: randomUUID(), callUuid, extension, domain, node: 'node1', callerNumber: caller.number ?? '5551234', callerName: caller.name ?? 'Anna Schmidt' });
  return callUuid;
}

function pickupRecord(domain: string, callUuid: string): PickupRecord {
  return {
    at: Date.now(), domain, picker: '100', pickerUuid: randomUUID(), pickerNode: 'node1', form: 'group', dialled: '88Sales', target: 'Sales', result: 'picked',
    failure: '', cause: '', callUuid, callerNumber: '5551234', callerName: 'Anna Schmidt', callNode: 'node2', attempts: 1, decisionMs: 1.25, pickupMs: 80.5,
  };
}

const bearer = { authorization: `Bearer ${TOKEN}` };

interface BoardGroupData {
  group: string;
  lit: boolean;
  ringing: number;
  calls: Array<{ callUuid: string; callerNumber: string; callerName: string; extensions: string[]; node: string; startedAt: number }>;
}

/** One server-sent-events response read as it comes. */
class EventReader {
  readonly events: Array<{ event: string; data: unknown }> = [];
  readonly ended: Promise<void>;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.ended = this.read().finally(() => this.wake());
  }

  static async open(url: string, headers: Record<string, string> = bearer): Promise<EventReader> {
    const abort = new AbortController();
    return new EventReader(await fetch(url, { headers, signal: abort.signal }), abort);
  }

  /** The first event (seen or to come) named `event` whose data passes `accept`. */
  async next<T>(event: string, accept: (data: T) => boolean = () => true, timeoutMs = 3_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === event && accept(e.data as T));
      if (found) return found.data as T;
      if (Date.now() > deadline) throw new Error(`no ${event} event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async read(): Promise<void> {
    const decoder = new TextDecoder();
    let pending = '';
    try {
      for await (const chunk of this.response.body as unknown as AsyncIterable<Uint8Array>) {
        pending += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = pending.indexOf('\n\n')) !== -1) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) this.events.push({ event, data: JSON.parse(data) });
          this.wake();
        }
      }
    } catch (error) {
      if (!this.abort.signal.aborted) throw error;
    }
  }

  private wake(): void {
    for (const waiter of this.waiters) waiter();
    this.waiters.clear();
  }
}

describe('the board needs the API token', () => {
  it('without FSP_API_TOKEN the board is off: 403 FSP_ERR_API_DISABLED for the page, the domains and the stream', async () => {
    const { url } = await startBoard(null);
    const page = await fetch(`${url}/board`, { headers: bearer });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('FSP_ERR_API_DISABLED');
    for (const path of ['/board/domains', '/board/events?domain=pbx.test']) {
      const response = await fetch(`${url}${path}`, { headers: bearer });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: 'FSP_ERR_API_DISABLED' });
    }
  });

  it('without a token: 401 with a sign-in form for the page, 401 FSP_ERR_UNAUTHENTICATED for the data, and a challenge', async () => {
    const { url } = await startBoard();
    const page = await fetch(`${url}/board?domain=pbx.test`);
    expect(page.status).toBe(401);
    expect(page.headers.get('www-authenticate')).toBe('Bearer realm="fs-pickup"');
    const html = await page.text();
    expect(html).toContain('<form method="post" action="/board/login">');
    expect(html).toContain('name="domain" value="pbx.test"');
    for (const path of ['/board/domains', '/board/events?domain=pbx.test']) {
      const response = await fetch(`${url}${path}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="fs-pickup"');
      expect(await response.json()).toMatchObject({ code: 'FSP_ERR_UNAUTHENTICATED' });
    }
  });

  it('a wrong token, as bearer, cookie or link: 403 FSP_ERR_FORBIDDEN, and the browser forgets the cookie', async () => {
    const { url } = await startBoard();
    const wrong: Array<Record<string, string>> = [{ authorization: 'Bearer not-the-token-at-all' }, { cookie: 'fsp_board=not-the-token-at-all' }];
    for (const headers of wrong) {
      for (const path of ['/board/domains', '/board/events?domain=pbx.test']) {
        const response = await fetch(`${url}${path}`, { headers });
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ code: 'FSP_ERR_FORBIDDEN' });
        expect(response.headers.get('set-cookie')).toMatch(/^fsp_board=; .*Max-Age=0/);
      }
      expect((await fetch(`${url}/board`, { headers })).status).toBe(403);
    }
    const link = await fetch(`${url}/board?token=not-the-token-at-all`, { redirect: 'manual' });
    expect(link.status).toBe(403);
    expect(await link.text()).toContain('That is not the controller’s API token');
  });

  it('the link ?token= sets an HttpOnly, SameSite=Strict cookie and redirects to the same board without the token', async () => {
    const { url } = await startBoard();
    const link = await fetch(`${url}/board?domain=pbx.test&token=${encodeURIComponent(TOKEN)}`, { redirect: 'manual' });
    expect(link.status).toBe(303);
    expect(link.headers.get('location')).toBe('/board?domain=pbx.test');
    const cookie = link.headers.get('set-cookie') ?? '';
    expect(cookie).toBe(`fsp_board=${encodeURIComponent(TOKEN)}; Path=/board; HttpOnly; SameSite=Strict`);
    const session = { cookie: cookie.split(';')[0]! };
    const page = await fetch(`${url}/board?domain=pbx.test`, { headers: session });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script type="module" src="/board/board.js"></script>');
    expect((await fetch(`${url}/board/domains`, { headers: session })).status).toBe(200);
  });

  it('the sign-in form posts the token: right, the cookie and the board; wrong, 403 and the form again', async () => {
    const { url } = await startBoard();
    const post = (token: string): Promise<Response> =>
      fetch(`${url}/board/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, domain: 'pbx.test' }).toString() });
    const right = await post(TOKEN);
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/board?domain=pbx.test');
    expect(right.headers.get('set-cookie')).toContain('HttpOnly; SameSite=Strict');
    const wrong = await post('not-the-token-at-all');
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('action="/board/login"');
    expect((await post('')).status).toBe(401);
  });

  it('never writes the token to the log', () => {
    expect(logLines.join('')).not.toContain(TOKEN);
    expect(logLines.join('')).not.toContain(encodeURIComponent(TOKEN));
  });
});

describe('what the board serves', () => {
  it('the page, the sign-in page and the stream carry a strict Content-Security-Policy, nosniff and no-referrer', async () => {
    const { url } = await startBoard();
    const domain = await salesDomain();
    const stream = await EventReader.open(`${url}/board/events?domain=${domain}`);
    for (const response of [await fetch(`${url}/board`, { headers: bearer }), await fetch(`${url}/board`), stream.response, await fetch(`${url}/board/board.js`)]) {
      const policy = response.headers.get('content-security-policy') ?? '';
      expect(policy).toContain("default-src 'none'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("style-src 'self'");
      expect(policy).not.toContain('unsafe');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    }
    stream.close();
  });

  it('the page has no inline script, handler or style: the script is a file', async () => {
    const { url } = await startBoard();
    const html = await (await fetch(`${url}/board`, { headers: bearer })).text();
    expect([...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual(['<script type="module" src="/board/board.js">']);
    expect(html).not.toMatch(/<script[^>]*>[^<]/);
    expect(html).not.toMatch(/\son\w+=|\sstyle=|<style/i);
    const script = await fetch(`${url}/board/board.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const code = await script.text();
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('lists the domains with configured users', async () => {
    const { url } = await startBoard();
    const domain = await salesDomain();
    const { domains } = (await (await fetch(`${url}/board/domains`, { headers: bearer })).json()) as { domains: string[] };
    expect(domains).toContain(domain);
  });

  it('an unknown domain is 404 FSP_ERR_UNKNOWN_DOMAIN; a name that is no domain is 400', async () => {
    const { url } = await startBoard();
    const unknown = await fetch(`${url}/board/events?domain=nobody-here.test`, { headers: bearer });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'FSP_ERR_UNKNOWN_DOMAIN', entry: 'nobody-here.test' });
    for (const query of ['', '?domain=', `?domain=${encodeURIComponent('<b>x</b>')}`]) {
      const invalid = await fetch(`${url}/board/events${query}`, { headers: bearer });
      expect(invalid.status).toBe(400);
      expect(await invalid.json()).toMatchObject({ code: 'FSP_ERR_INVALID_DOMAIN' });
    }
  });
});

describe('the board stream', () => {
  it('starts with a snapshot of every call group, its lamp, its ringing calls and the last pickups', async () => {
    const { url } = await startBoard();
    const domain = await salesDomain();
    const callUuid = await ring(domain, '200', { number: '+4930123', name: '<img src=x onerror=alert(1)>' });
    await shared.records.append(pickupRecord(domain, 'older-call'));
    const stream = await EventReader.open(`${url}/board/events?domain=${domain}`);
    expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const snapshot = await stream.next<{ domain: string; pickupPrefix: string; serverTime: number; groups: BoardGroupData[]; pickups: Array<{ id: string; record: PickupRecord }> }>('snapshot');
    expect(snapshot).toMatchObject({ domain, pickupPrefix: '88' });
    expect(Math.abs(snapshot.serverTime - Date.now())).toBeLessThan(1_000);
    expect(snapshot.groups.map((group) => [group.group, group.lit, group.ringing])).toEqual([
      ['Sales', true, 1],
      ['Support', false, 0],
    ]);
    expect(snapshot.groups[0]!.calls).toEqual([{ callUuid, callerNumber: '+4930123', callerName: '<img src=x onerror=alert(1)>', extensions: ['200'], node: 'node1', startedAt: expect.any(Number) }]);
    expect(snapshot.pickups.map((pickup) => pickup.record)).toMatchObject([{ callUuid: 'older-call', picker: '100', decisionMs: 1.25, pickupMs: 80.5 }]);
    stream.close();
  });

  it('then pushes the groups a change touched (debounced) and each new pickup record', async () => {
    const { url } = await startBoard();
    const domain = await salesDomain();
    const stream = await EventReader.open(`${url}/board/events?domain=${domain}`);
    await stream.next('snapshot');
    const callUuid = await ring(domain, '201');
    const ringing = await stream.next<{ groups: BoardGroupData[] }>('groups', (change) => change.groups.some((group) => group.calls.some((call) => call.callUuid === callUuid)));
    expect(ringing.groups).toEqual([expect.objectContaining({ group: 'Sales', lit: true, ringing: 1 })]);

    // Five calls within the debounce window: one read, one event.
    const before = stream.events.length;
    const burst = await Promise.all(['200', '201', '200', '201', '200'].map((extension) => ring(domain, extension)));
    const all = await stream.next<{ groups: BoardGroupData[] }>('groups', (change) => change.groups[0]?.ringing === 6);
    expect(all.groups[0]!.calls.map((call) => call.callUuid).sort()).toEqual([callUuid, ...burst].sort());
    expect(stream.events.slice(before).filter((e) => e.event === 'groups').length).toBeLessThanOrEqual(2);

    for (const uuid of [callUuid, ...burst]) await shared.calls.endCall(domain, uuid, 'node1');
    const quiet = await stream.next<{ groups: BoardGroupData[] }>('groups', (change) => change.groups[0]?.ringing === 0);
    expect(quiet.groups).toEqual([{ group: 'Sales', lit: false, ringing: 0, calls: [] }]);

    const id = await shared.records.append(pickupRecord(domain, callUuid));
    const pickup = await stream.next<{ id: string; record: PickupRecord }>('pickup');
    expect(pickup).toMatchObject({ id, record: { callUuid, picker: '100', pickerNode: 'node1', callNode: 'node2', result: 'picked' } });
    stream.close();
  });

  it('two boards of a domain share its state; the second one gets the same snapshot', async () => {
    const { url } = await startBoard();
    const domain = await salesDomain();
    const callUuid = await ring(domain, '202');
    const first = await EventReader.open(`${url}/board/events?domain=${domain}`);
    const second = await EventReader.open(`${url}/board/events?domain=${domain}`, { cookie: `fsp_board=${encodeURIComponent(TOKEN)}` });
    for (const stream of [first, second]) {
      const snapshot = await stream.next<{ groups: BoardGroupData[] }>('snapshot');
      expect(snapshot.groups.find((group) => group.group === 'Support')?.calls.map((call) => call.callUuid)).toEqual([callUuid]);
    }
    await shared.calls.endCall(domain, callUuid, 'node1');
    for (const stream of [first, second]) await stream.next<{ groups: BoardGroupData[] }>('groups', (change) => change.groups[0]?.ringing === 0);
    first.close();
    second.close();
  });

  it('opens at most maxStreams at once: the next one is 503 FSP_ERR_BOARD_BUSY until one closes', async () => {
    const { url } = await startBoard(TOKEN, { maxStreams: 2 });
    const domain = await salesDomain();
    const open = [await EventReader.open(`${url}/board/events?domain=${domain}`), await EventReader.open(`${url}/board/events?domain=${domain}`)];
    await Promise.all(open.map((stream) => stream.next('snapshot')));
    const refused = await fetch(`${url}/board/events?domain=${domain}`, { headers: bearer });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(await refused.json()).toMatchObject({ code: 'FSP_ERR_BOARD_BUSY' });
    open[0]!.close();
    let reopened: EventReader | undefined;
    for (let attempt = 0; attempt < 50 && !reopened; attempt++) {
      const candidate = await EventReader.open(`${url}/board/events?domain=${domain}`);
      if (candidate.response.status === 200) reopened = candidate;
      else await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(reopened, 'a stream slot came free when a board closed').toBeDefined();
    await reopened!.next('snapshot');
    reopened!.close();
    open[1]!.close();
  });

  it('a Redis outage: an open board keeps its stream, new ones get 503 FSP_ERR_BOARD_UNAVAILABLE; once Redis is back the board is live again', async () => {
    const server = await startRedisServer();
    try {
      const own = await connectStores(server.url);
      const { url } = await startBoard(TOKEN, {}, own);
      const domain = await salesDomain(own);
      const stream = await EventReader.open(`${url}/board/events?domain=${domain}`);
      await stream.next('snapshot');

      await server.kill();
      await until(() => own.redis.status !== 'ready');
      for (const path of ['/board/domains', `/board/events?domain=${domain}`]) {
        const refused = await fetch(`${url}${path}`, { headers: bearer });
        expect(refused.status, path).toBe(503);
        expect(await refused.json()).toMatchObject({ code: 'FSP_ERR_BOARD_UNAVAILABLE' });
      }

      // Back, empty (this server does not persist): what rings and what is picked from now on shows on the open board.
      await server.start();
      await until(() => own.redis.status === 'ready' && own.feed.isSubscribed, 15_000);
      await own.preferences.setMany([{ user: { extension: '200', domain }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['Sales'] } }]);
      const callUuid = await ring(domain, '200', {}, own);
      await stream.next<{ groups: BoardGroupData[] }>('groups', (change) => change.groups.some((group) => group.calls.some((call) => call.callUuid === callUuid)), 10_000);
      await own.records.append(pickupRecord(domain, callUuid));
      expect(await stream.next<{ record: PickupRecord }>('pickup', () => true, 10_000)).toMatchObject({ record: { callUuid } });
      expect(stream.events.filter((e) => e.event === 'snapshot')).toHaveLength(1);
      stream.close();
    } finally {
      await server.stop();
    }
  }, 40_000);

  it('closing the server ends every open stream (it does not wait for the boards)', async () => {
    const { app, url } = await startBoard();
    const domain = await salesDomain();
    const streams = [await EventReader.open(`${url}/board/events?domain=${domain}`), await EventReader.open(`${url}/board/events?domain=${domain}`)];
    await Promise.all(streams.map((stream) => stream.next('snapshot')));
    const started = Date.now();
    await app.close();
    await Promise.all(streams.map((stream) => stream.ended));
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
