/**
 * The admin API's users: read, replace, change, delete, list page by page, change many at once; every rule of the
 * domain and of the schemas refuses with 400 naming the entry, with pickupctl's codes and messages, and writes
 * nothing; bodies are bounded.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type CliIo, runCli } from '../../src/admin/cli.ts';
import { API_PREFIX } from '../../src/http/api/admin-api.ts';
import { MAX_BULK_CHANGES } from '../../src/http/api/schemas.ts';
import { BULK_BODY_LIMIT } from '../../src/http/api/user-routes.ts';
import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { type ApiBed, startApiBed } from './api-app.ts';

let bed: ApiBed;

beforeAll(async () => {
  bed = await startApiBed();
});

afterAll(() => bed?.close());

/** Users every test starts with, so that "nothing written" means something. */
beforeEach(async () => {
  await bed.admin.preferences.setMany([
    { user: { extension: '100', domain: 'pbx.test' }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['Support'], pickupGroups: ['Support', 'Sales'] } },
    { user: { extension: '200', domain: 'pbx.test' }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['Sales'] } },
  ]);
});

const user = (name: string): string => `${API_PREFIX}/users/${encodeURIComponent(name)}`;

/** pickupctl's problem lines for the same input, as `message [code]`. */
async function pickupctl(args: string[]): Promise<string[]> {
  const err: string[] = [];
  const io: CliIo = { out: () => undefined, err: (text) => err.push(text), readInput: () => '' };
  expect(await runCli(args, { FSP_REDIS_URL: inject('redisUrl'), FSP_REDIS_KEY_PREFIX: bed.prefix }, io)).toBe(1);
  return err.slice(1).map((line) => line.trim());
}

describe('one user', () => {
  it('reads a configured user, and answers 404 for one with nothing stored', async () => {
    const response = await bed.call({ method: 'GET', url: user('100@pbx.test') });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      user: '100@pbx.test',
      configured: true,
      behaviour: 'groups',
      callGroups: ['Support'],
      pickupGroups: ['Support', 'Sales'],
      aclGroups: [],
      groupPickup: false,
      pickupQueues: [],
      neverPickable: false,
      pickupNotices: true,
    });
    const missing = await bed.call({ method: 'GET', url: user('999@pbx.test') });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ code: 'FSP_ERR_USER_NOT_CONFIGURED', message: '999@pbx.test is not configured: it has the defaults (legacy behaviour, no groups, no rights)', entry: '999@pbx.test' });
  });

  it('PUT replaces: a field left out gets its default', async () => {
    await bed.call({ method: 'PATCH', url: user('100@pbx.test'), payload: { neverPickable: true, pickupNotices: false } });
    const response = await bed.call({ method: 'PUT', url: user('100@pbx.test'), payload: { aclGroups: ['7'], groupPickup: true } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ configured: true, behaviour: 'legacy', callGroups: [], pickupGroups: [], aclGroups: ['7'], groupPickup: true, neverPickable: false, pickupNotices: true });
    expect(await bed.admin.preferences.get({ extension: '100', domain: 'pbx.test' })).toMatchObject({ callGroups: [], aclGroups: ['7'], groupPickup: true, neverPickable: false, pickupNotices: true });
  });

  it('PATCH sets never-pickable and the notice opt-out, as pickupctl set --never-pickable / --pickup-notices', async () => {
    const response = await bed.call({ method: 'PATCH', url: user('101@pbx.test'), payload: { neverPickable: true, pickupNotices: false } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ user: '101@pbx.test', neverPickable: true, pickupNotices: false });
    expect(await bed.admin.preferences.get({ extension: '101', domain: 'pbx.test' })).toMatchObject({ neverPickable: true, pickupNotices: false });
    const refused = await bed.call({ method: 'PATCH', url: user('101@pbx.test'), payload: { neverPickable: 'maybe' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().problems).toContainEqual(expect.objectContaining({ path: 'body.neverPickable' }));
  });

  it('PATCH changes only the fields given, as pickupctl set: trimmed, duplicates dropped, an empty list clears', async () => {
    const response = await bed.call({ method: 'PATCH', url: user('100@pbx.test'), payload: { pickupGroups: [' Sales ', 'Sales', 'Ops'], callGroups: [] } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ behaviour: 'groups', callGroups: [], pickupGroups: ['Sales', 'Ops'] });
    // A user with nothing stored starts from the defaults.
    expect((await bed.call({ method: 'PATCH', url: user('300@pbx.test'), payload: { pickupQueues: ['support'] } })).json()).toMatchObject({ configured: true, pickupQueues: ['support'] });
  });

  it('DELETE goes back to the defaults (204), then 404', async () => {
    expect((await bed.call({ method: 'DELETE', url: user('200@pbx.test') })).statusCode).toBe(204);
    expect((await bed.call({ method: 'GET', url: user('200@pbx.test') })).statusCode).toBe(404);
    expect((await bed.call({ method: 'DELETE', url: user('200@pbx.test') })).json()).toMatchObject({ code: 'FSP_ERR_USER_NOT_CONFIGURED' });
  });

  it('a PUT of nothing but defaults leaves nothing stored', async () => {
    expect((await bed.call({ method: 'PUT', url: user('200@pbx.test'), payload: {} })).json()).toMatchObject({ configured: false, behaviour: 'legacy' });
    expect((await bed.call({ method: 'GET', url: user('200@pbx.test') })).statusCode).toBe(404);
  });
});

/** [what is wrong, the request, the code, the entry, where] — one for every rule a user's input can break. */
const REFUSED: ReadonlyArray<[string, InjectOptions, string, string, string]> = [
  ['no "@"', { method: 'PUT', url: user('100pbx.test'), payload: {} }, 'FSP_ERR_INVALID_USER', '100pbx.test', 'params.user'],
  ['two "@"', { method: 'GET', url: user('1@0@pbx.test') }, 'FSP_ERR_INVALID_USER', '1@0@pbx.test', 'params.user'],
  ['empty extension', { method: 'PATCH', url: user('@pbx.test'), payload: {} }, 'FSP_ERR_INVALID_USER', '', 'params.user'],
  ['extension too long', { method: 'PUT', url: user(`${'1'.repeat(65)}@pbx.test`), payload: {} }, 'FSP_ERR_INVALID_USER', '1'.repeat(65), 'params.user'],
  ['extension character', { method: 'DELETE', url: user('1 0@pbx.test') }, 'FSP_ERR_INVALID_USER', '1 0', 'params.user'],
  ['empty domain', { method: 'PUT', url: user('100@'), payload: {} }, 'FSP_ERR_INVALID_USER', '', 'params.user'],
  ['domain too long', { method: 'PUT', url: user(`100@${'a.'.repeat(127)}b`), payload: {} }, 'FSP_ERR_INVALID_USER', `${'a.'.repeat(127)}b`, 'params.user'],
  ['a user far too long', { method: 'GET', url: user(`100@${'a'.repeat(700)}`) }, 'FSP_ERR_INVALID_REQUEST', 'params.user', 'params.user'],
  ['domain character', { method: 'PUT', url: user('100@pbx:5060'), payload: {} }, 'FSP_ERR_INVALID_USER', 'pbx:5060', 'params.user'],
  ['domain label', { method: 'PUT', url: user('100@-pbx.test'), payload: {} }, 'FSP_ERR_INVALID_USER', '-pbx.test', 'params.user'],
  ['domain of numbers', { method: 'PUT', url: user('100@10.0.0.256'), payload: {} }, 'FSP_ERR_INVALID_USER', '10.0.0.256', 'params.user'],
  ['group character', { method: 'PUT', url: user('100@pbx.test'), payload: { callGroups: ['Sales Team'] } }, 'FSP_ERR_INVALID_GROUP_NAME', 'Sales Team', 'body.callGroups'],
  ['group of digits', { method: 'PATCH', url: user('100@pbx.test'), payload: { pickupGroups: ['12'] } }, 'FSP_ERR_INVALID_GROUP_NAME', '12', 'body.pickupGroups'],
  ['group "cg_"', { method: 'PATCH', url: user('100@pbx.test'), payload: { callGroups: ['cg_support'] } }, 'FSP_ERR_INVALID_GROUP_NAME', 'cg_support', 'body.callGroups'],
  ['group not Latin', { method: 'PATCH', url: user('100@pbx.test'), payload: { callGroups: ['Vertrieb-Süd'] } }, 'FSP_ERR_INVALID_GROUP_NAME', 'Vertrieb-Süd', 'body.callGroups'],
  ['empty group between commas', { method: 'PATCH', url: user('100@pbx.test'), payload: { callGroups: ['Sales,,Ops'] } }, 'FSP_ERR_INVALID_GROUP_LIST', 'Sales,,Ops', 'body.callGroups'],
  ['blank group', { method: 'PATCH', url: user('100@pbx.test'), payload: { callGroups: ['Sales', ' '] } }, 'FSP_ERR_INVALID_REQUEST', 'body.callGroups[1]', 'body.callGroups[1]'],
  ['groups over 1024', { method: 'PATCH', url: user('100@pbx.test'), payload: { pickupGroups: ['a'.repeat(1000), 'b'.repeat(30)] } }, 'FSP_ERR_INVALID_GROUP_LIST', `${'a'.repeat(1000)},${'b'.repeat(30)}`, 'body.pickupGroups'],
  ['ACL id character', { method: 'PATCH', url: user('100@pbx.test'), payload: { aclGroups: ['7!'] } }, 'FSP_ERR_INVALID_ID', '7!', 'body.aclGroups'],
  ['ACL id too long', { method: 'PATCH', url: user('100@pbx.test'), payload: { aclGroups: ['7'.repeat(65)] } }, 'FSP_ERR_INVALID_ID', '7'.repeat(65), 'body.aclGroups'],
  ['queue "cg_"', { method: 'PATCH', url: user('100@pbx.test'), payload: { pickupQueues: ['cg_5'] } }, 'FSP_ERR_INVALID_ID', 'cg_5', 'body.pickupQueues'],
  ['empty queue after a comma', { method: 'PATCH', url: user('100@pbx.test'), payload: { pickupQueues: ['q,'] } }, 'FSP_ERR_INVALID_ID_LIST', 'q,', 'body.pickupQueues'],
  ['empty queue', { method: 'PATCH', url: user('100@pbx.test'), payload: { pickupQueues: [''] } }, 'FSP_ERR_INVALID_REQUEST', 'body.pickupQueues[0]', 'body.pickupQueues[0]'],
  ['unknown field', { method: 'PATCH', url: user('100@pbx.test'), payload: { callGroup: ['Sales'] } }, 'FSP_ERR_INVALID_REQUEST', 'body.callGroup', 'body.callGroup'],
  ['list as a string', { method: 'PUT', url: user('100@pbx.test'), payload: { callGroups: 'Sales' } }, 'FSP_ERR_INVALID_REQUEST', 'body.callGroups', 'body.callGroups'],
  ['right as text', { method: 'PATCH', url: user('100@pbx.test'), payload: { groupPickup: 'yes' } }, 'FSP_ERR_INVALID_REQUEST', 'body.groupPickup', 'body.groupPickup'],
  ['a number in a list', { method: 'PATCH', url: user('100@pbx.test'), payload: { aclGroups: ['7', 8] } }, 'FSP_ERR_INVALID_REQUEST', 'body.aclGroups[1]', 'body.aclGroups[1]'],
  ['an item over 1024', { method: 'PATCH', url: user('100@pbx.test'), payload: { aclGroups: ['7'.repeat(1025)] } }, 'FSP_ERR_INVALID_REQUEST', 'body.aclGroups[0]', 'body.aclGroups[0]'],
  ['over 1024 items', { method: 'PATCH', url: user('100@pbx.test'), payload: { aclGroups: Array.from({ length: 1025 }, () => '7') } }, 'FSP_ERR_INVALID_REQUEST', 'body.aclGroups', 'body.aclGroups'],
  ['an array body', { method: 'PUT', url: user('100@pbx.test'), payload: [] }, 'FSP_ERR_INVALID_REQUEST', 'body', 'body'],
  ['a null body', { method: 'PUT', url: user('100@pbx.test'), payload: 'null', headers: { 'content-type': 'application/json' } }, 'FSP_ERR_INVALID_REQUEST', 'body', 'body'],
  ['a page of 0', { method: 'GET', url: `${API_PREFIX}/domains/pbx.test/users?limit=0` }, 'FSP_ERR_INVALID_REQUEST', 'querystring.limit', 'querystring.limit'],
  ['a page over 1000', { method: 'GET', url: `${API_PREFIX}/domains/pbx.test/users?limit=1001` }, 'FSP_ERR_INVALID_REQUEST', 'querystring.limit', 'querystring.limit'],
  ['an unknown query', { method: 'GET', url: `${API_PREFIX}/domains/pbx.test/users?offset=5` }, 'FSP_ERR_INVALID_REQUEST', 'querystring.offset', 'querystring.offset'],
  ['a listed domain', { method: 'GET', url: `${API_PREFIX}/domains/pbx_test!/users` }, 'FSP_ERR_INVALID_USER', 'pbx_test!', 'params.domain'],
  ['no change in a bulk', { method: 'PATCH', url: `${API_PREFIX}/users`, payload: { users: [] } }, 'FSP_ERR_INVALID_REQUEST', 'body.users', 'body.users'],
  ['a bulk change without its user', { method: 'PATCH', url: `${API_PREFIX}/users`, payload: { users: [{ callGroups: ['Sales'] }] } }, 'FSP_ERR_INVALID_REQUEST', 'body.users[0].user', 'body.users[0].user'],
];

describe('refused input: 400 naming the entry, nothing written', () => {
  it.each(REFUSED)('%s', async (_what, request, code, entry, path) => {
    const before = await bed.snapshot();
    const response = await bed.call(request);
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body).toMatchObject({ code, entry });
    expect(body.problems).toContainEqual(expect.objectContaining({ code, entry, path }));
    expect(body.message).toBe(body.problems[0].message + (body.problems.length > 1 ? ` (1 of ${body.problems.length} problems)` : ''));
    expect(await bed.snapshot()).toEqual(before);
  });

  it('every problem of a request at once, with the messages and codes of pickupctl', async () => {
    const before = await bed.snapshot();
    const response = await bed.call({ method: 'PATCH', url: user('100@pbx.test'), payload: { callGroups: ['Sales', 'cg_x', '12', 'bad name'], pickupGroups: ['ok,,2'], aclGroups: ['7', 'a!'], pickupQueues: ['cg_5', 'q 1'] } });
    expect(response.statusCode).toBe(400);
    const problems = response.json().problems as Array<{ code: string; message: string; entry: string; path: string }>;
    expect(problems.map(({ code, entry, path }) => [code, entry, path])).toEqual([
      ['FSP_ERR_INVALID_GROUP_NAME', 'cg_x', 'body.callGroups'],
      ['FSP_ERR_INVALID_GROUP_NAME', '12', 'body.callGroups'],
      ['FSP_ERR_INVALID_GROUP_NAME', 'bad name', 'body.callGroups'],
      ['FSP_ERR_INVALID_GROUP_LIST', 'ok,,2', 'body.pickupGroups'],
      ['FSP_ERR_INVALID_GROUP_NAME', '2', 'body.pickupGroups'],
      ['FSP_ERR_INVALID_ID', 'a!', 'body.aclGroups'],
      ['FSP_ERR_INVALID_ID', 'cg_5', 'body.pickupQueues'],
      ['FSP_ERR_INVALID_ID', 'q 1', 'body.pickupQueues'],
    ]);
    const cli = await pickupctl(['set', '100@pbx.test', '--call-groups', 'Sales,cg_x,12,bad name', '--pickup-groups', 'ok,,2', '--acl-groups', '7,a!', '--pickup-queues', 'cg_5,q 1']);
    expect(problems.map(({ message, code }) => `${message} [${code}]`)).toEqual(cli);
    expect(await bed.snapshot()).toEqual(before);
  });
});

describe('many users at once (PATCH /api/v1/users)', () => {
  const changes = (count: number): Array<{ user: string; callGroups: string[]; pickupGroups: string[] }> =>
    Array.from({ length: count }, (_, i) => ({ user: `${1000 + i}@bulk.test`, callGroups: ['Sales'], pickupGroups: ['Sales', 'Support'] }));

  it('one bad user among 50 writes nothing, and is named', async () => {
    const users = changes(50);
    users[17] = { ...users[17]!, pickupGroups: ['Sales', 'cg_17'] };
    const before = await bed.snapshot();
    const response = await bed.call({ method: 'PATCH', url: `${API_PREFIX}/users`, payload: { users } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      code: 'FSP_ERR_INVALID_GROUP_NAME',
      message: 'pickup group "cg_17" is invalid: a name cannot start with "cg_", 88cg_<id> is the pickup of a call queue',
      entry: 'cg_17',
      problems: [{ code: 'FSP_ERR_INVALID_GROUP_NAME', message: 'pickup group "cg_17" is invalid: a name cannot start with "cg_", 88cg_<id> is the pickup of a call queue', entry: 'cg_17', path: 'body.users[17].pickupGroups' }],
    });
    expect(await bed.snapshot()).toEqual(before);
  });

  it('names every bad entry of every bad user, and writes nothing', async () => {
    const users: Array<Record<string, unknown>> = changes(50);
    users[3] = { user: '1003@bulk.test', callGroups: ['12', 'ok'], aclGroups: ['x y'] };
    users[20] = { user: '10 20@bulk.test', pickupGroups: ['cg_a'] };
    users[49] = { user: '1049@bulk.test', pickupQueues: ['q,,r'] };
    const before = await bed.snapshot();
    const response = await bed.call({ method: 'PATCH', url: `${API_PREFIX}/users`, payload: { users } });
    expect(response.statusCode).toBe(400);
    expect(response.json().problems.map(({ code, entry, path }: Record<string, string>) => [code, entry, path])).toEqual([
      ['FSP_ERR_INVALID_GROUP_NAME', '12', 'body.users[3].callGroups'],
      ['FSP_ERR_INVALID_ID', 'x y', 'body.users[3].aclGroups'],
      ['FSP_ERR_INVALID_USER', '10 20', 'body.users[20].user'],
      ['FSP_ERR_INVALID_GROUP_NAME', 'cg_a', 'body.users[20].pickupGroups'],
      ['FSP_ERR_INVALID_ID_LIST', 'q,,r', 'body.users[49].pickupQueues'],
    ]);
    expect(response.json().message).toMatch(/\(1 of 5 problems\)$/);
    expect(await bed.snapshot()).toEqual(before);
  });

  it('schema problems of the items are all named too, and nothing is written', async () => {
    const before = await bed.snapshot();
    const response = await bed.call({ method: 'PATCH', url: `${API_PREFIX}/users`, payload: { users: [{ user: '1@bulk.test', groupPickup: 'yes' }, { user: 2 }, { user: '3@bulk.test', extra: true }] } });
    expect(response.statusCode).toBe(400);
    expect(response.json().problems.map(({ path }: Record<string, string>) => path)).toEqual(['body.users[0].groupPickup', 'body.users[1].user', 'body.users[2].extra']);
    expect(await bed.snapshot()).toEqual(before);
  });

  it('writes every change of a valid batch, across domains; a user named twice gets the later change over the earlier', async () => {
    const response = await bed.call({
      method: 'PATCH',
      url: `${API_PREFIX}/users`,
      payload: { users: [...changes(50), { user: '100@pbx.test', aclGroups: ['3'] }, { user: '1000@bulk.test', callGroups: ['Ops'] }] },
    });
    expect(response.statusCode).toBe(200);
    const written = response.json().users as Array<{ user: string; callGroups: string[] }>;
    expect(written).toHaveLength(51);
    expect(written.find((u) => u.user === '1000@bulk.test')).toMatchObject({ callGroups: ['Ops'], pickupGroups: ['Sales', 'Support'] });
    expect(written.find((u) => u.user === '100@pbx.test')).toMatchObject({ callGroups: ['Support'], aclGroups: ['3'] });
    expect((await bed.admin.preferences.list('bulk.test')).length).toBe(50);
  });

  it('takes a body up to 1 MB and up to 10,000 changes; refuses more (413, 400) writing nothing', async () => {
    const many = Array.from({ length: MAX_BULK_CHANGES }, (_, i) => ({ user: `${i}@big.test`, callGroups: ['S'] }));
    expect(JSON.stringify({ users: many }).length).toBeLessThan(BULK_BODY_LIMIT);
    const accepted = await bed.call({ method: 'PATCH', url: `${API_PREFIX}/users`, payload: { users: many } });
    expect(accepted.statusCode).toBe(200);
    expect((await bed.admin.preferences.list('big.test')).length).toBe(MAX_BULK_CHANGES);
    const before = await bed.snapshot();
    const tooMany = await bed.call({ method: 'PATCH', url: `${API_PREFIX}/users`, payload: { users: [...many, { user: 'x@big.test' }] } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json()).toMatchObject({ code: 'FSP_ERR_INVALID_REQUEST', entry: 'body.users' });
    const tooLarge = await bed.call({ method: 'PATCH', url: `${API_PREFIX}/users`, payload: { users: [{ user: '1@big.test', callGroups: ['x'.repeat(BULK_BODY_LIMIT)] }] } });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json()).toEqual({ code: 'FSP_ERR_BODY_TOO_LARGE', message: 'the body is larger than this route accepts' });
    // The other routes take 64 KB.
    const single = await bed.call({ method: 'PUT', url: user('100@pbx.test'), payload: { callGroups: ['x'.repeat(65 * 1024)] } });
    expect(single.statusCode).toBe(413);
    expect(await bed.snapshot()).toEqual(before);
  });
});

describe('a domain, page by page', () => {
  it('walks 250 users with pages of 100: each exactly once, in extension order, following `next` and `nextUrl`', async () => {
    const extensions = [...Array.from({ length: 244 }, (_, i) => String(i + 1)), '010', 'a', 'A', 'john.doe', '+4930', 'z-1'];
    await bed.admin.preferences.setMany(extensions.map((extension) => ({ user: { extension, domain: 'paged.test' }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['Sales'] } })));
    const seen: string[] = [];
    const pages: number[] = [];
    let url: string | null = `${API_PREFIX}/domains/paged.test/users?limit=100`;
    while (url !== null) {
      const response = await bed.call({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      const page = response.json() as { users: Array<{ user: string }>; next: string | null; nextUrl: string | null };
      seen.push(...page.users.map((u) => u.user.split('@')[0]!));
      pages.push(page.users.length);
      if (page.next !== null) expect(page.nextUrl).toBe(`${API_PREFIX}/domains/paged.test/users?limit=100&after=${encodeURIComponent(page.next)}`);
      url = page.nextUrl;
    }
    expect(pages).toEqual([100, 100, 50]);
    expect([...seen].sort()).toEqual([...extensions].sort());
    expect(new Set(seen).size).toBe(250);
    // The order of pickupctl list, "9" before "10".
    expect(seen).toEqual((await bed.admin.preferences.list('paged.test')).map((row) => row.extension));
    expect(seen.indexOf('9')).toBeLessThan(seen.indexOf('10'));
    // The same cursor gives the same page again.
    const again = await bed.call({ method: 'GET', url: `${API_PREFIX}/domains/paged.test/users?limit=100&after=${encodeURIComponent(seen[99]!)}` });
    expect(again.json().users.map((u: { user: string }) => u.user.split('@')[0])).toEqual(seen.slice(100, 200));
  });

  it('a domain without users is an empty last page', async () => {
    expect((await bed.call({ method: 'GET', url: `${API_PREFIX}/domains/empty.test/users` })).json()).toEqual({ users: [], next: null, nextUrl: null });
  });
});

describe('bodies', () => {
  it('refuses a body that is not JSON (415), malformed JSON and an empty body (400), writing nothing', async () => {
    const before = await bed.snapshot();
    const text = await bed.call({ method: 'PUT', url: user('100@pbx.test'), payload: 'callGroups=Sales', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ code: 'FSP_ERR_UNSUPPORTED_MEDIA_TYPE' });
    const malformed = await bed.call({ method: 'PUT', url: user('100@pbx.test'), payload: '{"callGroups": [', headers: { 'content-type': 'application/json' } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'FSP_ERR_INVALID_JSON' });
    const empty = await bed.call({ method: 'PUT', url: user('100@pbx.test'), payload: '', headers: { 'content-type': 'application/json' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'FSP_ERR_INVALID_JSON' });
    const none = await bed.call({ method: 'PUT', url: user('100@pbx.test') });
    expect(none.statusCode).toBe(400);
    expect(none.json()).toMatchObject({ code: 'FSP_ERR_INVALID_REQUEST', entry: 'body' });
    expect(await bed.snapshot()).toEqual(before);
  });
});
