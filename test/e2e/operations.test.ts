/**
 * What an administrator runs the controller by: the health and metrics endpoints, the pickup records (stream,
 * CUSTOM event, CDR variables), a graceful SIGTERM, and logs that never hold a secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { Keys } from '../../src/store/keys.ts';
import { PickupRecordStore } from '../../src/store/pickup-records.ts';
import { testRedis } from '../helpers/redis-client.ts';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.ts';
import { EslTestClient } from '../simulator/test-client.ts';
import { dial, freshDomain, headerOf, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

const ESL_SECRET = 'esl-Pa55-7f3a9c';
const REDIS_SECRET = 'redis-Pa55-b81e2d';

let redisServer: RedisServerHandle;
let bed: PickupBed;
let redisUrl: string;

beforeAll(async () => {
  // A Redis of this file's own (the readiness test stops it), with a password, and a switch with its own: neither
  // may ever show up in the log.
  redisServer = await startRedisServer(['--requirepass', REDIS_SECRET]);
  redisUrl = `redis://:${REDIS_SECRET}@127.0.0.1:${redisServer.port}`;
  bed = await startPickupBed({ redisUrl, simulator: { password: ESL_SECRET }, env: { FSP_ESL_PASSWORD: ESL_SECRET, FSP_DRAIN_TIMEOUT_MS: '8000' } });
});

afterAll(async () => {
  await bed?.close();
  await redisServer?.stop();
});

async function salesDomain(): Promise<string> {
  const domain = freshDomain();
  await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
  return domain;
}

async function get(path: string): Promise<{ status: number; body: string }> {
  const response = await fetch(`${await bed.controller.httpUrl()}${path}`);
  return { status: response.status, body: await response.text() };
}

async function readiness(): Promise<{ status: number; state: { ready: boolean; stopping: boolean; redis: { up: boolean }; nodes: Array<{ name: string; eslConnected: boolean }> } }> {
  const { status, body } = await get('/readyz');
  return { status, state: JSON.parse(body) };
}

/** One sample of the Prometheus text: the value of `name` with exactly these labels (0 when absent). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(found).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return 0;
}

async function metrics(): Promise<string> {
  const { status, body } = await get('/metrics');
  expect(status).toBe(200);
  return body;
}

describe('health, metrics and records, end to end', () => {
  it('/healthz answers while the process runs; /readyz is 200 only while Redis and the node answer, with the state', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'alive', redis: { up: true } });
    expect(await readiness()).toMatchObject({ status: 200, state: { ready: true, redis: { up: true }, nodes: [{ name: bed.node, eslConnected: true }] } });

    // The node's event socket closes: not ready, and the body says which node.
    bed.sim.setAcceptingConnections(false);
    bed.sim.dropConnections();
    await expect.poll(async () => (await readiness()).status, { timeout: 5_000 }).toBe(503);
    expect((await readiness()).state).toMatchObject({ ready: false, stopping: false, redis: { up: true }, nodes: [{ name: bed.node, eslConnected: false }] });
    expect((await get('/healthz')).status).toBe(200);
    bed.sim.setAcceptingConnections(true);
    await expect.poll(async () => (await readiness()).status, { timeout: 15_000 }).toBe(200);

    // Redis stops: not ready, Redis down in the body; back when it answers again.
    await redisServer.kill();
    await expect.poll(async () => (await readiness()).status, { timeout: 5_000 }).toBe(503);
    expect((await readiness()).state).toMatchObject({ ready: false, redis: { up: false }, nodes: [{ eslConnected: true }] });
    expect(sample(await metrics(), 'fs_pickup_redis_up')).toBe(0);
    await redisServer.start();
    await expect.poll(async () => (await readiness()).status, { timeout: 15_000 }).toBe(200);
    expect(sample(await metrics(), 'fs_pickup_redis_up')).toBe(1);
    expect(sample(await metrics(), 'fs_pickup_esl_connected', { node: bed.node, role: 'served' })).toBe(1);
  });

  it('a pickup moves the metrics, leaves a record in the domain stream, fires fs_pickup::pickup and marks both legs for the CDR', async () => {
    const domain = await salesDomain();
    const listener = await EslTestClient.subscribed(Number(bed.env.FSP_ESL_PORT), 'plain CUSTOM fs_pickup::pickup', ESL_SECRET);
    const before = await metrics();
    const call = await bed.sim.placeCall({ domain, targets: ['200'], callerNumber: '5551234' });
    await untilTracked(bed, call.bLegs);
    expect(sample(await metrics(), 'fs_pickup_ringing_calls', { node: bed.node })).toBe(1);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.controller.waitForLog((l) => l.pickerUuid === picker && l.msg === 'call picked up');

    const event = await listener.waitForEvent((e) => e.get('fs-pickup-pickerUuid') === picker, 'the pickup event');
    expect(event.get('Event-Subclass')).toBe('fs_pickup::pickup');
    expect(event.get('fs-pickup-result')).toBe('picked');
    expect(event.get('fs-pickup-callUuid')).toBe(call.aLeg);
    expect(event.get('fs-pickup-form')).toBe('group');
    expect(event.get('fs-pickup-target')).toBe('sales');
    listener.close();

    // The picker's leg was marked over its socket with the intercept; the caller's leg through the event socket.
    const cdr = { fs_pickup_by: `100@${domain}`, fs_pickup_form: 'group', fs_pickup_group: 'sales' };
    expect(bed.sim.channel(picker)?.variables).toMatchObject(cdr);
    await expect.poll(() => bed.sim.channel(call.aLeg)?.variables).toMatchObject(cdr);

    const { redis } = testRedis(redisUrl);
    const store = new PickupRecordStore(redis, new Keys(bed.prefix));
    const [stored] = await store.recent(domain, 5);
    await redis.quit();
    expect(stored?.record).toMatchObject({
      domain,
      picker: '100',
      pickerUuid: picker,
      pickerNode: bed.node,
      form: 'group',
      dialled: '88sales',
      target: 'sales',
      result: 'picked',
      failure: '',
      callUuid: call.aLeg,
      callerNumber: '5551234',
      callNode: bed.node,
      attempts: 1,
    });
    expect(stored?.record.decisionMs).toBeGreaterThan(0);
    expect(stored?.record.pickupMs).toBeGreaterThanOrEqual(stored?.record.decisionMs ?? Infinity);

    const after = await metrics();
    const delta = (name: string, labels: Record<string, string> = {}): number => sample(after, name, labels) - sample(before, name, labels);
    expect(delta('fs_pickup_pickups_total', { form: 'group', result: 'picked' })).toBe(1);
    expect(delta('fs_pickup_decision_duration_seconds_count')).toBe(1);
    expect(delta('fs_pickup_pickup_duration_seconds_count', { node_scope: 'same_node' })).toBe(1);
    expect(delta('fs_pickup_events_received_total', { event: 'CHANNEL_BRIDGE' })).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'fs_pickup_ringing_calls', { node: bed.node })).toBe(0);
    expect(after).toMatch(/^fs_pickup_build_info\{version="[^"]+",nodejs="v20\.[^"]+"\} 1$/m);
    expect(after).toMatch(/^process_resident_memory_bytes \d+/m);
    await bed.sim.hangup(picker);
  });

  it('a refused pickup is recorded with its failure and cause, and counted by result', async () => {
    const domain = await salesDomain();
    const before = await metrics();
    const picker = await dial(bed, domain, '200', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ failure: 'not-permitted' });
    await expect.poll(async () => sample(await metrics(), 'fs_pickup_pickups_total', { form: 'group', result: 'not_permitted' }) - sample(before, 'fs_pickup_pickups_total', { form: 'group', result: 'not_permitted' })).toBe(1);
  });
});

describe('SIGTERM and secrets', () => {
  it('SIGTERM during a pickup: not ready at once, no new pickup socket, the pickup in flight completes, exit 0; no secret in the whole log', async () => {
    const domain = await salesDomain();
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const socketAddress = await bed.controller.socketAddress();
    const [host, port] = [socketAddress.split(':')[0]!, Number(socketAddress.split(':')[1])];
    const baseUrl = await bed.controller.httpUrl();

    // The intercept reaches the switch only when the test lets it: the pickup is in flight when SIGTERM arrives.
    let letIntercept!: () => void;
    const interceptHeld = new Promise<void>((resolve) => {
      bed.sim.beforeSocketCommand(async (command) => {
        if (command.name !== 'sendmsg' || headerOf(command, 'execute-app-name') !== 'intercept') return;
        bed.sim.beforeSocketCommand(undefined);
        resolve();
        await new Promise<void>((release) => (letIntercept = release));
      });
    });
    const picker = await dial(bed, domain, '100', '88sales');
    await interceptHeld;
    const exited = bed.controller.stop('SIGTERM');
    await bed.controller.waitForLog((l) => l.msg === 'fs-pickup stopping');

    const ready = await fetch(`${baseUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'stopping', stopping: true });
    // The pickup socket no longer accepts: FreeSWITCH goes on to the node's next controller.
    await expect(connectOnce(host, port)).rejects.toThrow(/ECONNREFUSED/);

    letIntercept();
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    expect(await exited).toBe(0);
    expect((await bed.sim.waitForChannel(picker, (c) => c.bridgedTo === call.aLeg)).answerState).toBe('answered');
    // The record of the drained pickup was written before the process left.
    expect(bed.controller.logs.some((l) => l.msg === 'call picked up' && l.pickerUuid === picker)).toBe(true);

    const wholeLog = [...bed.controller.logs.map((line) => JSON.stringify(line)), ...bed.controller.stderr].join('\n');
    expect(wholeLog.length).toBeGreaterThan(1000);
    expect(wholeLog).not.toContain(ESL_SECRET);
    expect(wholeLog).not.toContain(REDIS_SECRET);
    await bed.restartController();
  });
});

/** Resolves when a TCP connection to host:port succeeds (and closes it), rejects with the connect error. */
function connectOnce(host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', reject);
  });
}
