/**
 * Fuzzed requests to the admin API's writing routes (fast-check): malformed JSON, values of the wrong type, unknown
 * and prototype-polluting keys (`__proto__`, `constructor`), huge bodies and deep nesting are refused with a 4xx in
 * the API's error form, nothing is written, nothing is polluted, and the server keeps answering.
 */
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { API_PREFIX } from '../../src/http/api/admin-api.ts';
import { type ApiBed, startApiBed } from './api-app.ts';

let bed: ApiBed;
let before: Record<string, unknown>;

beforeAll(async () => {
  bed = await startApiBed();
  await bed.admin.preferences.setMany([{ user: { extension: '100', domain: 'fuzz.test' }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['Sales'] } }]);
  await bed.admin.groupSettings.set('fuzz.test', 'Sales', { mode: 'message', afterSeconds: 20 });
  before = await bed.snapshot();
});

afterAll(() => bed?.close());

/** The routes that write, each with the body it would take. */
const WRITES = [
  { method: 'PUT', url: `${API_PREFIX}/users/100@fuzz.test` },
  { method: 'PATCH', url: `${API_PREFIX}/users/101@fuzz.test` },
  { method: 'PATCH', url: `${API_PREFIX}/users` },
  { method: 'PUT', url: `${API_PREFIX}/domains/fuzz.test/groups/Sales/settings` },
] as const;

const LIST_FIELDS = ['callGroups', 'pickupGroups', 'aclGroups', 'pickupQueues'] as const;

/** Sends a raw body as JSON to a writing route; checks the refusal and that nothing changed. */
async function refused(route: (typeof WRITES)[number], payload: string, statuses: readonly number[] = [400]): Promise<{ code?: unknown; entry?: unknown }> {
  const request: InjectOptions = { ...route, payload, headers: { 'content-type': 'application/json' } };
  const response = await bed.call(request);
  expect(statuses, `${route.method} ${route.url} ${payload.slice(0, 200)} → ${response.statusCode} ${response.body.slice(0, 300)}`).toContain(response.statusCode);
  const body = response.json() as { code?: unknown; message?: unknown; entry?: unknown };
  expect(body.code).toMatch(/^FSP_ERR_[A-Z_]+$/);
  expect(typeof body.message).toBe('string');
  return body;
}

async function nothingChanged(): Promise<void> {
  expect(await bed.snapshot()).toEqual(before);
  expect(({} as Record<string, unknown>).callGroups).toBeUndefined();
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect((await bed.call({ method: 'GET', url: `${API_PREFIX}/users/100@fuzz.test` })).statusCode).toBe(200);
}

const route = fc.constantFrom(...WRITES);

/** A JSON value that is not a list of non-blank strings: the wrong type for a list field. */
const notAList = fc.jsonValue().filter((value) => !(Array.isArray(value) && value.every((item) => typeof item === 'string' && /\S/.test(item))));

describe('fuzzed bodies', () => {
  it('malformed JSON: 400 FSP_ERR_INVALID_JSON', async () => {
    const malformed = fc.oneof(
      fc.string().filter((text) => text.trim() !== '' && !parses(text)),
      fc.json().map((text) => text.slice(0, Math.max(1, text.length - 1))).filter((text) => !parses(text)),
      fc.tuple(fc.json(), fc.constantFrom(',', '}', ']', ':', '"', '{', "'", '\u0000')).map(([text, junk]) => `${text}${junk}`).filter((text) => !parses(text)),
    );
    await fc.assert(
      fc.asyncProperty(route, malformed, async (target, payload) => {
        expect((await refused(target, payload)).code).toBe('FSP_ERR_INVALID_JSON');
      }),
      { numRuns: 150 },
    );
    await nothingChanged();
  });

  it('wrong types for every field, and bodies that are not objects: 400 naming the entry', async () => {
    const wrongUser = fc.record({ field: fc.constantFrom(...LIST_FIELDS), value: notAList });
    const bodies = fc.oneof(
      wrongUser.map(({ field, value }) => ({ [field]: value })),
      fc.jsonValue().filter((value) => typeof value !== 'boolean').map((value) => ({ groupPickup: value })),
      fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)),
      wrongUser.map(({ field, value }) => ({ users: [{ user: '100@fuzz.test', [field]: value }] })),
      fc.jsonValue().filter((value) => !Array.isArray(value)).map((users) => ({ users })),
    );
    await fc.assert(
      fc.asyncProperty(route, bodies, async (target, body) => {
        const payload = JSON.stringify(body);
        // A body can be right for one route and wrong for another: only bodies that fit no route are sent everywhere.
        if (fitsSomeRoute(target, body)) return;
        const answer = await refused(target, payload);
        // fast-check's JSON values may hold a "__proto__" or "constructor" key: refused as JSON, before any field is read.
        if (answer.code === 'FSP_ERR_INVALID_JSON') expect(payload).toMatch(/"__proto__"|"constructor"/);
        else expect(answer.entry).toMatch(/^body/);
      }),
      { numRuns: 300 },
    );
    await nothingChanged();
  });

  it('unknown and prototype-polluting keys, at the top or nested: 400, nothing polluted', async () => {
    const key = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'polluted'), fc.string({ minLength: 1 }).filter((name) => !['callGroups', 'pickupGroups', 'aclGroups', 'groupPickup', 'pickupQueues', 'users', 'user', 'notifyAfterSeconds'].includes(name)));
    const value = fc.oneof(fc.jsonValue(), fc.constant({ polluted: true, callGroups: ['Owned'] }), fc.constant({ prototype: { polluted: true } }));
    await fc.assert(
      fc.asyncProperty(route, key, value, fc.boolean(), async (target, name, inner, nested) => {
        // Written by hand: JSON.stringify would not write a __proto__ key of an object literal.
        const extra = `${JSON.stringify(name)}:${JSON.stringify(inner)}`;
        const payload = nested ? `{"users":[{"user":"100@fuzz.test",${extra}}]}` : `{"callGroups":["Sales"],${extra}}`;
        await refused(target, payload);
      }),
      { numRuns: 200 },
    );
    for (const target of WRITES) {
      await refused(target, '{"__proto__":{"polluted":true}}');
      await refused(target, '{"constructor":{"prototype":{"polluted":true}}}');
      await refused(target, '{"users":[{"user":"100@fuzz.test","__proto__":{"callGroups":["Owned"]}}]}');
    }
    await nothingChanged();
  });

  it('huge bodies: 413 beyond the route’s limit (64 KB, 1 MB for many users), 400 within it', async () => {
    const sizes = fc.integer({ min: 64 * 1024 + 1, max: 3 * 1024 * 1024 });
    await fc.assert(
      fc.asyncProperty(route, sizes, async (target, size) => {
        const payload = JSON.stringify({ callGroups: ['x'.repeat(size)] });
        const overLimit = payload.length > (target.url === `${API_PREFIX}/users` ? 1024 * 1024 : 64 * 1024);
        await refused(target, payload, overLimit ? [413] : [400]);
      }),
      { numRuns: 20 },
    );
    await nothingChanged();
  });

  it('deep nesting, as the body or inside a field: 400, and the server keeps answering', async () => {
    const depth = fc.integer({ min: 100, max: 30_000 });
    const shape = fc.constantFrom('array', 'object');
    await fc.assert(
      fc.asyncProperty(route, depth, shape, fc.boolean(), async (target, levels, kind, inside) => {
        const [open, close] = kind === 'array' ? ['[', ']'] : ['{"a":', '}'];
        const deep = `${open.repeat(levels)}1${close.repeat(levels)}`;
        const payload = inside ? `{"callGroups":${deep}}` : deep;
        await refused(target, payload, payload.length > 64 * 1024 ? [400, 413] : [400]);
      }),
      { numRuns: 40 },
    );
    await nothingChanged();
  });

  it('random query strings on the reading routes: never a 5xx', async () => {
    const query = fc.dictionary(fc.constantFrom('limit', 'after', 'before', 'x', '__proto__'), fc.oneof(fc.string(), fc.integer().map(String)), { maxKeys: 3 });
    const reading = fc.constantFrom(`${API_PREFIX}/domains/fuzz.test/users`, `${API_PREFIX}/domains/fuzz.test/pickups`, `${API_PREFIX}/domains/fuzz.test/groups/Sales/calls`);
    await fc.assert(
      fc.asyncProperty(reading, query, async (path, params) => {
        const response = await bed.call({ method: 'GET', url: `${path}?${new URLSearchParams(params).toString()}` });
        expect([200, 400]).toContain(response.statusCode);
      }),
      { numRuns: 150 },
    );
    await nothingChanged();
  });
});

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Whether `body` has the form the route takes (then the fuzzer skips it: it is not a wrong body there). */
function fitsSomeRoute(target: (typeof WRITES)[number], body: unknown): boolean {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const fields = body as Record<string, unknown>;
  if (target.url.endsWith('/settings')) return Object.keys(fields).length === 1 && (Number.isInteger(fields.notifyAfterSeconds) || fields.notifyAfterSeconds === null);
  if (target.url === `${API_PREFIX}/users`) return false;
  return Object.keys(fields).length === 0;
}
