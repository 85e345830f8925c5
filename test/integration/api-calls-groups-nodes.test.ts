/**
 * The admin API's call group settings (pickup notices, with `pickupctl notify`'s rules), the calls ringing now (of a
 * group, an extension, a queue, a node, as the store's indexes hold them) and the nodes with their state.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { API_PREFIX } from '../../src/http/api/admin-api.ts';
import type { RingingLeg } from '../../src/store/call-store.ts';
import { NodeRegistry } from '../../src/store/node-registry.ts';
import { type ApiBed, startApiBed } from './api-app.ts';

let bed: ApiBed;

beforeAll(async () => {
  bed = await startApiBed();
  await bed.admin.preferences.setMany([
    { user: { extension: '200', domain: 'calls.test' }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['Sales'] } },
    { user: { extension: '201', domain: 'calls.test' }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['Sales', 'Support'] } },
  ]);
  const controller = new NodeRegistry(bed.redis, bed.keys, 'controller-1');
  await controller.heartbeat('node-a', { sipAddress: '10.0.0.11:5090', coreUuid: 'core-a' });
  await controller.heartbeat('node-b', { sipAddress: undefined, coreUuid: 'core-b' });
});

afterAll(() => bed?.close());

/** A call ringing `extensions` on `node`, started at `startedAt`. */
async function ring(node: string, extensions: string[], caller: { number: string; name: string }, queue?: string): Promise<string> {
  const callUuid = randomUUID();
  for (const extension of extensions) {
    const leg: RingingLeg = { legUuid: randomUUID(), callUuid, extension, domain: 'calls.test', node, callerNumber: caller.number, callerName: caller.name, queue };
    await bed.admin.calls.addRingingLeg(leg);
  }
  return callUuid;
}

describe('call group settings', () => {
  const settings = `${API_PREFIX}/domains/pbx.test/groups/Sales/settings`;

  it('reads and sets a group\'s notices: lamp by default, message after a delay, off; null delay means the lamp', async () => {
    expect((await bed.call({ method: 'GET', url: settings })).json()).toEqual({ domain: 'pbx.test', group: 'Sales', notify: 'lamp', notifyAfterSeconds: null });
    const set = await bed.call({ method: 'PUT', url: settings, payload: { notifyAfterSeconds: 20 } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ domain: 'pbx.test', group: 'Sales', notify: 'message', notifyAfterSeconds: 20 });
    expect(await bed.admin.groupSettings.get('pbx.test', 'Sales')).toEqual({ mode: 'message', afterSeconds: 20 });
    expect((await bed.call({ method: 'GET', url: settings })).json()).toMatchObject({ notify: 'message', notifyAfterSeconds: 20 });
    expect((await bed.call({ method: 'PUT', url: settings, payload: { notifyAfterSeconds: null } })).json()).toMatchObject({ notify: 'lamp', notifyAfterSeconds: null });
    expect(await bed.admin.groupSettings.get('pbx.test', 'Sales')).toEqual({ mode: 'lamp' });
    expect((await bed.call({ method: 'PUT', url: settings, payload: { notify: 'off' } })).json()).toMatchObject({ notify: 'off', notifyAfterSeconds: null });
    expect(await bed.admin.groupSettings.get('pbx.test', 'Sales')).toEqual({ mode: 'off' });
    expect((await bed.call({ method: 'PUT', url: settings, payload: { notify: 'message', notifyAfterSeconds: 45 } })).json()).toMatchObject({ notify: 'message', notifyAfterSeconds: 45 });
    expect((await bed.call({ method: 'PUT', url: settings, payload: {} })).json()).toMatchObject({ notify: 'lamp', notifyAfterSeconds: null });
  });

  it.each([
    ['a delay of 0', settings, { notifyAfterSeconds: 0 }, 'FSP_ERR_INVALID_NOTICE_DELAY', '0', 'body.notifyAfterSeconds'],
    ['a delay over an hour', settings, { notifyAfterSeconds: 3601 }, 'FSP_ERR_INVALID_NOTICE_DELAY', '3601', 'body.notifyAfterSeconds'],
    ['a fraction', settings, { notifyAfterSeconds: 1.5 }, 'FSP_ERR_INVALID_REQUEST', 'body.notifyAfterSeconds', 'body.notifyAfterSeconds'],
    ['text', settings, { notifyAfterSeconds: '20' }, 'FSP_ERR_INVALID_REQUEST', 'body.notifyAfterSeconds', 'body.notifyAfterSeconds'],
    ['message without a delay', settings, { notify: 'message' }, 'FSP_ERR_INVALID_NOTICE_DELAY', '', 'body.notifyAfterSeconds'],
    ['a delay with lamp', settings, { notify: 'lamp', notifyAfterSeconds: 20 }, 'FSP_ERR_INVALID_NOTICE_DELAY', '20', 'body.notifyAfterSeconds'],
    ['an unknown mode', settings, { notify: 'blink' }, 'FSP_ERR_INVALID_REQUEST', 'body.notify', 'body.notify'],
    ['a group of digits', `${API_PREFIX}/domains/pbx.test/groups/12/settings`, { notifyAfterSeconds: 20 }, 'FSP_ERR_INVALID_GROUP_NAME', '12', 'params.group'],
    ['a queue prefix', `${API_PREFIX}/domains/pbx.test/groups/cg_1/settings`, { notifyAfterSeconds: 20 }, 'FSP_ERR_INVALID_GROUP_NAME', 'cg_1', 'params.group'],
    ['a bad domain', `${API_PREFIX}/domains/pbx..test/groups/Sales/settings`, { notifyAfterSeconds: 20 }, 'FSP_ERR_INVALID_USER', 'pbx..test', 'params.domain'],
  ])('refuses %s with 400 naming it, writing nothing', async (_what, url, payload, code, entry, path) => {
    const before = await bed.snapshot();
    const response = await bed.call({ method: 'PUT', url, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ code, entry });
    expect(response.json().problems).toContainEqual(expect.objectContaining({ code, entry, path }));
    expect(await bed.snapshot()).toEqual(before);
  });
});

describe('ringing calls', () => {
  let older: string;
  let newer: string;
  let queued: string;
  let elsewhere: string;

  beforeAll(async () => {
    older = await ring('node-a', ['200'], { number: '+4930111', name: 'Anna' });
    await new Promise((resolve) => setTimeout(resolve, 5));
    newer = await ring('node-a', ['201', '200'], { number: '+4930222', name: 'Bernd <b@x>' });
    queued = await ring('node-a', ['202'], { number: '555', name: '' }, 'support');
    elsewhere = await ring('node-b', ['201'], { number: '777', name: 'Cem' });
  });

  it('of a group: the calls a picker could get (88<group>), oldest first, with caller, ringing since and node', async () => {
    const response = await bed.call({ method: 'GET', url: `${API_PREFIX}/domains/calls.test/groups/Sales/calls` });
    expect(response.statusCode).toBe(200);
    const { calls, total } = response.json();
    expect(total).toBe(3);
    expect(calls.map((c: { callUuid: string }) => c.callUuid)).toEqual([older, newer, elsewhere]);
    expect(calls[1]).toEqual({
      callUuid: newer,
      domain: 'calls.test',
      node: 'node-a',
      state: 'ringing',
      callerNumber: '+4930222',
      callerName: 'Bernd <b@x>',
      ringingSince: expect.any(Number),
      callGroups: ['Sales', 'Support'],
      extensions: ['201', '200'],
      queue: null,
    });
    expect(calls[0].ringingSince).toBeLessThan(calls[1].ringingSince);
    const limited = (await bed.call({ method: 'GET', url: `${API_PREFIX}/domains/calls.test/groups/Sales/calls?limit=1` })).json();
    expect(limited).toMatchObject({ total: 3, calls: [{ callUuid: older }] });
  });

  it('of an extension, of a queue, of a node (any state)', async () => {
    const ofExtension = (await bed.call({ method: 'GET', url: `${API_PREFIX}/domains/calls.test/extensions/201/calls` })).json();
    expect(ofExtension.calls.map((c: { callUuid: string }) => c.callUuid)).toEqual([newer, elsewhere]);
    const ofQueue = (await bed.call({ method: 'GET', url: `${API_PREFIX}/domains/calls.test/queues/support/calls` })).json();
    expect(ofQueue).toMatchObject({ total: 1, calls: [{ callUuid: queued, queue: 'support', callGroups: [], extensions: ['202'] }] });
    // Claimed by a picker: no longer offered, still ringing on its node.
    await bed.admin.calls.claim({ domain: 'calls.test', index: { group: 'Support' }, pickerUuid: 'picker-1', strategy: 'oldest', random: 0, deadNodes: [], tried: [], preferenceRevisions: new Map() });
    const ofNode = (await bed.call({ method: 'GET', url: `${API_PREFIX}/nodes/node-a/calls` })).json();
    expect(ofNode.total).toBe(3);
    expect(ofNode.calls.map((c: { callUuid: string; state: string }) => [c.callUuid, c.state])).toEqual([
      [older, 'ringing'],
      [newer, 'claimed'],
      [queued, 'ringing'],
    ]);
    expect((await bed.call({ method: 'GET', url: `${API_PREFIX}/domains/calls.test/groups/Support/calls` })).json()).toMatchObject({ calls: [{ callUuid: elsewhere }], total: 1 });
  });

  it.each([
    ['a group', `${API_PREFIX}/domains/calls.test/groups/sa les/calls`, 'FSP_ERR_INVALID_GROUP_NAME', 'sa les', 'params.group'],
    ['an extension', `${API_PREFIX}/domains/calls.test/extensions/2%2C0/calls`, 'FSP_ERR_INVALID_USER', '2,0', 'params.extension'],
    ['a queue', `${API_PREFIX}/domains/calls.test/queues/cg_support/calls`, 'FSP_ERR_INVALID_ID', 'cg_support', 'params.queue'],
    ['a domain', `${API_PREFIX}/domains/calls_test%7B/groups/Sales/calls`, 'FSP_ERR_INVALID_USER', 'calls_test{', 'params.domain'],
    ['a limit', `${API_PREFIX}/domains/calls.test/groups/Sales/calls?limit=5000`, 'FSP_ERR_INVALID_REQUEST', 'querystring.limit', 'querystring.limit'],
  ])('refuses %s the rules refuse, naming it', async (_what, url, code, entry, path) => {
    const response = await bed.call({ method: 'GET', url });
    expect(response.statusCode).toBe(400);
    expect(response.json().problems).toContainEqual({ code, entry, path, message: expect.any(String) });
  });

  it('of a node never served: 404', async () => {
    const response = await bed.call({ method: 'GET', url: `${API_PREFIX}/nodes/nowhere/calls` });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ code: 'FSP_ERR_UNKNOWN_NODE', entry: 'nowhere' });
  });
});

describe('nodes', () => {
  it('lists every node ever served, live or dead, as pickupctl nodes shows them, with its ringing calls', async () => {
    await new NodeRegistry(bed.redis, bed.keys, 'controller-1').withdraw('node-b');
    const response = await bed.call({ method: 'GET', url: `${API_PREFIX}/nodes` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      nodes: [
        { node: 'node-a', alive: true, sipAddress: '10.0.0.11:5090', coreUuid: 'core-a', ringingCalls: 3 },
        { node: 'node-b', alive: false, sipAddress: null, coreUuid: 'core-b', ringingCalls: 1 },
      ],
    });
    expect((await bed.call({ method: 'GET', url: `${API_PREFIX}/nodes/node-b` })).json()).toEqual({ node: 'node-b', alive: false, sipAddress: null, coreUuid: 'core-b', ringingCalls: 1 });
    expect((await bed.call({ method: 'GET', url: `${API_PREFIX}/nodes/node-c` })).statusCode).toBe(404);
  });
});
