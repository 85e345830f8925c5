/**
 * The admin API's bearer token: every /api/v1 route (the OpenAPI document and unknown paths included) refuses a
 * request without it (401), with a wrong one (403) and when none is configured (403), before anything is read or
 * written; the health and metrics endpoints need none; the token is never logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../src/http/api/admin-api.ts';
import { type ApiBed, startApiBed, TOKEN } from './api-app.ts';

let bed: ApiBed;
let disabled: ApiBed;

beforeAll(async () => {
  [bed, disabled] = await Promise.all([startApiBed(), startApiBed({ token: null })]);
});

afterAll(async () => {
  await Promise.all([bed?.close(), disabled?.close()]);
});

/** Every API route as a valid request (sample parameters, and a body for a change) that would read or write. */
function everyRoute(): Array<{ method: 'GET' | 'PUT' | 'PATCH' | 'DELETE'; url: string; payload?: object }> {
  const routes = bed.routes.filter(({ url, method }) => url.startsWith(`${API_PREFIX}/`) && method !== 'HEAD');
  expect(routes.length).toBeGreaterThan(10);
  return routes.map(({ method, url }) => {
    const path = url.replace(':user', '100@auth.test').replace(':domain', 'auth.test').replace(/:[a-z]+/g, 'Sales');
    return { method: method as 'GET', url: path, ...(method === 'PUT' || method === 'PATCH' ? { payload: bodyFor(url) } : {}) };
  });
}

function bodyFor(url: string): object {
  if (url === `${API_PREFIX}/users`) return { users: [{ user: '100@auth.test', callGroups: ['Sales'] }] };
  return url.endsWith('/settings') ? { notifyAfterSeconds: 20 } : { callGroups: ['Sales'] };
}

describe('the bearer token', () => {
  it('answers 401 with a challenge on every route without a token, and writes nothing', async () => {
    for (const route of [...everyRoute(), { method: 'GET' as const, url: `${API_PREFIX}/no/such/route` }]) {
      const response = await bed.app.inject(route);
      expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(response.json()).toEqual({ code: 'FSP_ERR_UNAUTHENTICATED', message: 'a bearer token is required (Authorization: Bearer <token>)' });
      expect(response.headers['www-authenticate']).toBe('Bearer realm="fs-pickup"');
    }
    expect(await bed.snapshot()).toEqual({});
  });

  it('answers 403 on every route with a wrong token (or another scheme), and writes nothing', async () => {
    for (const authorization of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, 'Bearer x']) {
      for (const route of everyRoute()) {
        const response = await bed.app.inject({ ...route, headers: { authorization } });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
        expect(response.json()).toMatchObject({ code: 'FSP_ERR_FORBIDDEN' });
      }
    }
    const basic = await bed.app.inject({ method: 'GET', url: `${API_PREFIX}/nodes`, headers: { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` } });
    expect(basic.statusCode).toBe(401);
    expect(await bed.snapshot()).toEqual({});
  });

  it('answers 403 FSP_ERR_API_DISABLED on every route while no token is configured, whatever the request carries', async () => {
    for (const route of everyRoute()) {
      for (const headers of [{}, { authorization: `Bearer ${TOKEN}` }]) {
        const response = await disabled.app.inject({ ...route, headers });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(403);
        expect(response.json()).toMatchObject({ code: 'FSP_ERR_API_DISABLED' });
      }
    }
    expect(await disabled.snapshot()).toEqual({});
  });

  it('lets the right token through (the scheme in any case)', async () => {
    expect((await bed.app.inject({ method: 'GET', url: `${API_PREFIX}/nodes`, headers: { authorization: `Bearer ${TOKEN}` } })).statusCode).toBe(200);
    expect((await bed.app.inject({ method: 'GET', url: `${API_PREFIX}/nodes`, headers: { authorization: `bearer ${TOKEN}` } })).statusCode).toBe(200);
  });

  it('is not needed by the health and metrics endpoints, with or without the API', async () => {
    for (const app of [bed.app, disabled.app]) {
      for (const url of ['/healthz', '/readyz', '/metrics']) expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it('is never logged, whatever the request and its outcome (a failure on the controller included)', async () => {
    await bed.call({ method: 'PUT', url: `${API_PREFIX}/users/1 0@auth.test`, payload: { callGroups: ['12'] } });
    await bed.call({ method: 'GET', url: `${API_PREFIX}/nope` });
    await bed.app.inject({ method: 'GET', url: `${API_PREFIX}/nodes`, headers: { authorization: `Bearer ${TOKEN}-wrong` } });
    await bed.call({ method: 'PATCH', url: `${API_PREFIX}/users`, payload: '{"users": [', headers: { 'content-type': 'application/json' } });
    const { registry } = bed.admin;
    const describeNodes = registry.describeNodes.bind(registry);
    registry.describeNodes = () => Promise.reject(new TypeError('a bug'));
    try {
      const failed = await bed.call({ method: 'GET', url: `${API_PREFIX}/nodes` });
      expect(failed.statusCode).toBe(500);
      expect(failed.json()).toEqual({ code: 'FSP_ERR_INTERNAL', message: 'the request failed on the controller (see its log)' });
    } finally {
      registry.describeNodes = describeNodes;
    }
    const failure = bed.logLines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === 'admin API request failed');
    expect(failure).toMatchObject({ level: 50, method: 'GET', route: `${API_PREFIX}/nodes`, err: { message: 'a bug' } });
    expect(bed.logLines.join('\n')).not.toContain(TOKEN);
    // Fastify logs no request line, so neither the Authorization header nor the URL reaches the log.
    expect(bed.logLines.filter((line) => /incoming request|request completed/.test(line))).toEqual([]);
  });
});
