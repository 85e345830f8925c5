/**
 * The admin API of the controller process (FSP_API_TOKEN), end to end with the simulated FreeSWITCH: users set over
 * the API decide the pickups at once, what rings shows in the API, the pickup records follow live as server-sent
 * events, and the controller's graceful stop ends an open follow instead of waiting for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, freshDomain, outcomeOf, type PickupBed, startPickupBed, untilTracked } from './harness.ts';

const TOKEN = 'e2e-api-token-4f1c9b2a7d3e';
const AUTH = { authorization: `Bearer ${TOKEN}` };

let bed: PickupBed;
let base: string;

beforeAll(async () => {
  bed = await startPickupBed({ env: { FSP_API_TOKEN: TOKEN } });
  base = `${await bed.controller.httpUrl()}/api/v1`;
});

afterAll(async () => {
  await bed?.close();
});

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(`${base}${path}`, { method, headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, json: response.status === 204 ? undefined : await response.json() };
}

/** The `pickup` events of a follow, parsed as they come. */
async function followRecords(domain: string): Promise<{ records: Array<{ id: string; data: any }>; ended: Promise<void>; close(): void }> {
  const abort = new AbortController();
  const response = await fetch(`${base}/domains/${domain}/pickups/stream`, { headers: AUTH, signal: abort.signal });
  expect(response.status).toBe(200);
  const records: Array<{ id: string; data: any }> = [];
  const ended = (async () => {
    let pending = '';
    try {
      for await (const chunk of response.body!) {
        pending += Buffer.from(chunk as Uint8Array).toString('utf8');
        let end: number;
        while ((end = pending.indexOf('\n\n')) >= 0) {
          const lines = Object.fromEntries(pending.slice(0, end).split('\n').filter((line) => !line.startsWith(':')).map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]));
          if (lines.event === 'pickup' && lines.id && lines.data) records.push({ id: lines.id, data: JSON.parse(lines.data) });
          pending = pending.slice(end + 2);
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return { records, ended, close: () => abort.abort() };
}

describe('the admin API of a running controller', () => {
  it('needs the token; the health endpoints do not', async () => {
    expect((await fetch(`${base}/nodes`)).status).toBe(401);
    expect((await fetch(`${base}/nodes`, { headers: { authorization: 'Bearer wrong-token-0000000000' } })).status).toBe(403);
    expect((await fetch(`${base.replace('/api/v1', '')}/healthz`)).status).toBe(200);
    expect((await api('GET', '/nodes')).json.nodes).toContainEqual(expect.objectContaining({ node: bed.node, alive: true }));
  });

  it('users set over the API decide the next pickup at once; the call shows in the API and the records follow live', async () => {
    const domain = freshDomain();
    const set = await api('PATCH', '/users', {
      users: [
        { user: `100@${domain}`, callGroups: ['support'], pickupGroups: ['sales'] },
        { user: `200@${domain}`, callGroups: ['sales'] },
        { user: `300@${domain}`, callGroups: ['support'], pickupGroups: ['support'] },
      ],
    });
    expect(set.status).toBe(200);
    const follow = await followRecords(domain);

    const first = await bed.sim.placeCall({ domain, targets: ['200'], callerNumber: '5551234', callerName: 'Anna' });
    await untilTracked(bed, first.bLegs);
    const ringing = await api('GET', `/domains/${domain}/groups/sales/calls`);
    expect(ringing.json).toMatchObject({ total: 1, calls: [{ callUuid: first.aLeg, callerNumber: '5551234', callerName: 'Anna', node: bed.node, state: 'ringing', extensions: ['200'] }] });

    // 300 may not pick up "sales" yet…
    const refusedPicker = await dial(bed, domain, '300', '88sales');
    expect(await outcomeOf(bed, refusedPicker)).toMatchObject({ failure: 'not-permitted' });
    // …until the API gives it the group: the controllers hear of the change and the next pickup honours it.
    expect((await api('PATCH', `/users/300@${domain}`, { pickupGroups: ['support', 'sales'] })).json).toMatchObject({ pickupGroups: ['support', 'sales'] });
    const picker = await dial(bed, domain, '300', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: first.aLeg });
    expect((await api('GET', `/domains/${domain}/groups/sales/calls`)).json).toEqual({ calls: [], total: 0 });

    await expect.poll(() => follow.records.length, { timeout: 10_000 }).toBe(2);
    expect(follow.records.map(({ data }) => [data.picker, data.result, data.failure])).toEqual([
      ['300', 'failed', 'not-permitted'],
      ['300', 'picked', ''],
    ]);
    expect(follow.records[1]!.data).toMatchObject({ callUuid: first.aLeg, callerNumber: '5551234', callerName: 'Anna', target: 'sales', form: 'group' });
    const page = await api('GET', `/domains/${domain}/pickups`);
    expect(page.json.records.map((r: { id: string }) => r.id)).toEqual(follow.records.map(({ id }) => id).reverse());
    follow.close();
    await bed.sim.hangup(picker);

    // Deleted over the API: 300 has no right any more.
    expect((await api('DELETE', `/users/300@${domain}`)).status).toBe(204);
    const second = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, second.bLegs);
    expect(await outcomeOf(bed, await dial(bed, domain, '300', '88sales'))).toMatchObject({ failure: 'not-permitted' });
    await bed.sim.hangup(second.aLeg);
  });

  it('a stopping controller ends an open follow and exits', async () => {
    const follow = await followRecords(freshDomain());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    expect(await bed.controller.stop('SIGTERM')).toBe(0);
    await follow.ended;
    expect(Date.now() - started).toBeLessThan(8_000);
    const wholeLog = [...bed.controller.logs.map((line) => JSON.stringify(line)), ...bed.controller.stderr].join('\n');
    expect(wholeLog).not.toContain(TOKEN);
    await bed.restartController();
  });
});
