/**
 * The simulator's own API and channel model beyond the replays: normal answer/bridge, refusals,
 * park tick vs inline transfer, restart and connection control, heartbeat and the benchmark flood.
 * The picker's phone parks here (run 4's pickup), through a test dialplan searched before the product's.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedEvent } from './capture-reader.ts';
import type { Dialplan } from './dialplan.ts';
import { SimulatorTimeoutError } from './errors.ts';
import { FreeSwitchSimulator, type SimulatorOptions } from './simulator.ts';
import { EslTestClient, bodyText, replyText } from './test-client.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// 88park<s> parks with park_timeout=<s>; any other 88… parks with intercept_unanswered_only=true.
const PARKING: Dialplan = [
  { name: 'park-timeout', expression: /^88park(\d+)$/, actions: [['set', 'park_timeout=$1:NORMAL_TEMPORARY_FAILURE'], ['park']] },
  { name: 'park', expression: /^88/, actions: [['set', 'intercept_unanswered_only=true'], ['park']] },
];

async function start(options: SimulatorOptions = {}, subscription = 'plain ALL'): Promise<{ sim: FreeSwitchSimulator; port: number; client: EslTestClient }> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2, dialplan: PARKING, ...options });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  const client = await EslTestClient.subscribed(port, subscription);
  cleanups.push(() => client.close());
  return { sim, port, client };
}

/** User 100's phone dials `dialled` and parks; resolves with its uuid. */
async function parkedPicker(sim: FreeSwitchSimulator, dialled = '88sales', authenticated = true): Promise<string> {
  const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled, authenticated });
  await sim.waitForChannel(picker, (channel) => channel.parked);
  return picker;
}

/** A reply arrives after every event written before it: the client has seen them all. */
async function synced(client: EslTestClient): Promise<EslTestClient> {
  await client.command('api hostname');
  return client;
}

function namesOf(events: readonly DecodedEvent[], uuid: string): string[] {
  return events.filter((event) => event.get('Unique-ID') === uuid).map((event) => event.get('Event-Name')!);
}

async function sendmsg(client: EslTestClient, uuid: string, app: string, arg: string, extra = ''): Promise<string | undefined> {
  return replyText(await client.command(`sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: ${app}\nexecute-app-arg: ${arg}${extra}`));
}

describe('calls', () => {
  it('a ringing leg answered by its phone is bridged to the caller; the other leg loses the race', async () => {
    const { sim, client } = await start();
    const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200', '201'], dialVariables: { call_groups: 'sales' } });
    for (const leg of call.bLegs) {
      const snapshot = sim.channel(leg)!;
      expect(snapshot).toMatchObject({ callState: 'RINGING', answerState: 'ringing', otherLegUuid: call.aLeg });
      expect(snapshot.variables).toMatchObject({ signal_bond: call.aLeg, dialed_domain: 'pbx.test', call_groups: 'sales' });
    }
    expect(sim.channel(call.aLeg)!.variables['originate_signal_bond']).toBe(call.bLegs[1]);
    await sim.answer(call.bLegs[0]!);
    const caller = await sim.waitForChannel(call.aLeg, (channel) => channel.bridgedTo === call.bLegs[0]);
    expect(caller.answerState).toBe('answered');
    expect((await sim.waitForChannel(call.bLegs[1]!, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('LOSE_RACE');
    const bridge = await client.waitForEvent((event) => event.get('Event-Name') === 'CHANNEL_BRIDGE', 'CHANNEL_BRIDGE');
    expect([bridge.get('Unique-ID'), bridge.get('Bridge-A-Unique-ID'), bridge.get('Bridge-B-Unique-ID')]).toEqual([call.aLeg, call.aLeg, call.bLegs[0]]);
    await sim.hangup(call.bLegs[0]!);
    expect((await sim.waitForChannel(call.aLeg, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('NORMAL_CLEARING');
    expect(namesOf((await synced(client)).events, call.aLeg)).toContain('CHANNEL_UNBRIDGE');
  });

  it('a SIP caller hanging up while it rings cancels: ORIGINATOR_CANCEL on both legs', async () => {
    const { sim } = await start();
    const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    await sim.hangup(call.aLeg);
    expect(sim.channel(call.aLeg)!.hangupCause).toBe('ORIGINATOR_CANCEL');
    expect((await sim.waitForChannel(call.bLegs[0]!, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('ORIGINATOR_CANCEL');
    expect(sim.liveChannels()).toEqual([]);
  });

  it('intercept_unanswered_only refuses an answered call: EXECUTE_COMPLETE early, no Other-Leg, the picker stays parked', async () => {
    const { sim, client } = await start();
    const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    await sim.answer(call.bLegs[0]!);
    await sim.waitForChannel(call.aLeg, (channel) => channel.bridgedTo !== undefined);
    const picker = await parkedPicker(sim);
    expect(await sendmsg(client, picker, 'intercept', call.aLeg, '\nEvent-UUID: 5d1b0a52-0000-4000-8000-000000000001')).toBe('+OK');
    const done = await client.waitForEvent((event) => event.get('Application-UUID') === '5d1b0a52-0000-4000-8000-000000000001' && event.get('Event-Name') === 'CHANNEL_EXECUTE_COMPLETE', 'intercept done');
    expect([done.get('Answer-State'), done.get('Other-Leg-Unique-ID'), done.get('Application-Response')]).toEqual(['early', undefined, '_none_']);
    expect(sim.channel(picker)).toMatchObject({ parked: true, callState: 'EARLY' });
    expect(sim.channel(call.bLegs[0]!)!.hangupCause).toBeUndefined();
  });

  it('dialPickup: a phone call routed by the dialplan, the dialled string verbatim, user_name/domain_name only when authenticated', async () => {
    const { sim } = await start();
    const known = await parkedPicker(sim);
    const anonymous = await parkedPicker(sim, '88 x\ny', false);
    expect(sim.channel(known)).toMatchObject({ name: 'sofia/internal/100@pbx.test', parked: true, answerState: 'ringing' });
    expect(sim.channel(known)!.variables).toMatchObject({ user_name: '100', domain_name: 'pbx.test', sip_authorized: 'true', sip_req_user: '88sales', intercept_unanswered_only: 'true' });
    expect(sim.channel(known)!.times.inviteSent).toBeGreaterThan(0);
    expect(sim.channel(known)!.times.inviteSent).toBeLessThanOrEqual(sim.channel(known)!.times.created);
    expect(sim.channel(anonymous)!.variables['user_name']).toBeUndefined();
    expect(sim.channel(anonymous)!.variables['sip_req_user']).toBe('88 x\ny');
  });
});

describe('park tick, transfers and message queues', () => {
  it('sendmsg waits for the park tick; uuid_transfer … inline acts at once', async () => {
    const { sim, client } = await start({ parkTickMs: 60_000 });
    const picker = await parkedPicker(sim);
    expect(await sendmsg(client, picker, 'set', 'queued=yes')).toBe('+OK');
    expect(bodyText(await client.command(`api uuid_getvar ${picker} queued`))).toBe('_undef_');
    expect(bodyText(await client.command(`api uuid_transfer ${picker} set:moved=yes,park inline`))).toBe('+OK\n');
    await sim.waitForChannel(picker, (channel) => channel.variables['moved'] === 'yes' && channel.parked);
    expect(namesOf((await synced(client)).events, picker).slice(-8)).toEqual([
      'CHANNEL_UNPARK', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_STATE', 'CHANNEL_STATE',
      'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_EXECUTE', 'CHANNEL_PARK',
    ]);
  });

  it('without event-lock a queued hangup cuts a playback short; with it the playback ends first', async () => {
    for (const eventLock of [false, true]) {
      const { sim, client } = await start({ parkTickMs: 5 });
      const picker = await parkedPicker(sim);
      await sendmsg(client, picker, 'playback', 'tone_stream://%(100,100,480);loops=2', eventLock ? '\nevent-lock: true' : '');
      await sendmsg(client, picker, 'hangup', 'NORMAL_CLEARING');
      await sim.waitForChannel(picker, (channel) => channel.hangupCause === 'NORMAL_CLEARING');
      const applications = (await synced(client)).events
        .filter((event) => event.get('Unique-ID') === picker && event.get('Event-Name')!.startsWith('CHANNEL_EXECUTE'))
        .map((event) => `${event.get('Event-Name') === 'CHANNEL_EXECUTE' ? '+' : '-'}${event.get('Application')}`)
        .slice(-6);
      expect(applications).toEqual(
        eventLock
          ? ['+park', '+playback', '-playback', '+hangup', '-hangup', '-park']
          : ['+park', '+playback', '+hangup', '-hangup', '-playback', '-park'],
      );
    }
  });

  it('park_timeout ends a parked channel with its cause', async () => {
    const { sim } = await start();
    const picker = await parkedPicker(sim, '88park1');
    expect((await sim.waitForChannel(picker, (channel) => channel.hangupCause !== undefined, 3_000)).hangupCause).toBe('NORMAL_TEMPORARY_FAILURE');
  });

  it('waitForChannel rejects with a coded error when the condition never holds', async () => {
    const { sim } = await start();
    const picker = await parkedPicker(sim);
    await expect(sim.waitForChannel(picker, (channel) => channel.bridgedTo !== undefined, 20)).rejects.toMatchObject({ code: 'SIM_TIMEOUT' });
    await expect(sim.waitForChannel(picker, () => false, 1)).rejects.toBeInstanceOf(SimulatorTimeoutError);
  });
});

describe('the simulated process and its connections', () => {
  it('restart: connections dropped, channels gone without events, new Core-UUID, Event-Sequence from 1 again', async () => {
    const { sim, port, client } = await start();
    const before = sim.coreUuid;
    await parkedPicker(sim);
    const eventsBefore = (await synced(client)).events.length;
    sim.restart({ coreUuid: '0bd2c9a6-0000-4000-8000-000000000000' });
    await client.whenClosed();
    expect(client.events.length).toBe(eventsBefore);
    expect(sim.coreUuid).toBe('0bd2c9a6-0000-4000-8000-000000000000');
    expect(sim.coreUuid).not.toBe(before);
    expect(sim.liveChannels()).toEqual([]);
    const again = await EslTestClient.subscribed(port, 'plain ALL');
    cleanups.push(() => again.close());
    const picker = await parkedPicker(sim);
    const first = await again.waitForEvent(() => true, 'an event');
    // Sequence 1 went to the directory lookup's REQUEST_PARAMS, which the phone's channel keeps as variables.
    expect(sim.channel(picker)!.variables['Event-Sequence']).toBe('1');
    expect([first.get('Core-UUID'), first.get('Event-Sequence')]).toEqual(['0bd2c9a6-0000-4000-8000-000000000000', '2']);
  });

  it('refuses new connections while not accepting; dropConnections resets the open ones', async () => {
    const { sim, port, client } = await start();
    sim.setAcceptingConnections(false);
    const refused = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    refused.on('data', (chunk: Buffer) => received.push(chunk));
    await new Promise((resolve) => refused.on('close', resolve).on('error', () => undefined));
    expect(received).toEqual([]);
    sim.setAcceptingConnections(true);
    sim.dropConnections();
    await client.whenClosed();
    expect((await EslTestClient.connect(port)).frames).toHaveLength(1);
  });

  it('sends HEARTBEAT at the configured interval and raw bytes on request', async () => {
    const { sim, client } = await start({ heartbeatIntervalMs: 10 }, 'plain HEARTBEAT');
    const heartbeats = await Promise.all([1, 2].map((n) => client.waitFor(() => client.events.filter((e) => e.get('Event-Name') === 'HEARTBEAT').length >= n, `heartbeat ${n}`)));
    expect(heartbeats).toHaveLength(2);
    const sequences = client.events.map((event) => Number(event.get('Event-Sequence')));
    expect(sequences[1]).toBeGreaterThan(sequences[0]!);
    sim.sendRawToClients('Content-Type: api/response\nContent-Length: 4\n\nbeef');
    await client.waitFor(() => client.frames.some((frame) => frame.body.toString() === 'beef'), 'the raw frame');
  });

  it('floodEvents writes `count` CHANNEL_PROGRESS events of about targetBytes to their subscribers only', async () => {
    const { sim, port, client } = await start({}, 'json CHANNEL_PROGRESS');
    const other = await EslTestClient.subscribed(port, 'plain CHANNEL_HANGUP');
    cleanups.push(() => other.close());
    await sim.floodEvents({ count: 2_000, targetBytes: 6_400 });
    await client.waitFor(() => client.events.length === 2_000, '2000 events');
    expect(other.events).toHaveLength(0);
    const plainSize = Buffer.byteLength(bodyText(client.frames.at(-1)!));
    expect(plainSize).toBeGreaterThan(5_000);
    expect(client.events[0]!.headers.length).toBeGreaterThan(140);
    expect(new Set(client.events.map((event) => event.get('Event-Sequence'))).size).toBe(2_000);
  });
});
