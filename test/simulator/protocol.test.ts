/**
 * Protocol conformance: the simulator's bytes and reply texts compared with what the real
 * FreeSWITCH sent in the 05 captures (wrong password, session commands, api replies, bgapi,
 * sendevent), over real TCP.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { decodeEventFrame, readCaptureEvents, readCaptureSession, type CapturedExchange } from './capture-reader.ts';
import { captureBytes } from '../helpers/captures.ts';
import { headerOf, type RawFrame } from './frame-reader.ts';
import { FreeSwitchSimulator, type PlacedCall } from './simulator.ts';
import { EslTestClient, replyText } from './test-client.ts';

const SESSION = '05-api-responses.session.txt';
const SESSION_EVENTS = '05-api-responses.event-plain-ALL-during.txt';
// The legs of the 05 session's call: A (loopback/200-b), B (the ringing sofia leg), the caller (loopback/200-a).
const CAPTURED = { aLeg: '1b057014-1e07-464d-b74e-8d6783fe0085', bLeg: 'e884c10e-5145-452b-a329-9caa36ce8945', caller: '45709daa-9497-4633-81f2-c57045fcb089' };

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startSimulator(): Promise<{ sim: FreeSwitchSimulator; port: number }> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2 });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  return { sim, port };
}

async function authenticated(port: number): Promise<EslTestClient> {
  const client = await EslTestClient.connect(port);
  cleanups.push(() => client.close());
  await client.command('auth ClueCon');
  return client;
}

function allBytes(client: EslTestClient): Buffer {
  return Buffer.concat(client.received);
}

/** The 05 session's exchange whose command (uuids of the captured call replaced by ours) is `command`. */
function capturedExchange(session: readonly CapturedExchange[], command: string, call: PlacedCall): CapturedExchange {
  const ours = (text: string): string =>
    text.replaceAll(CAPTURED.aLeg, call.aLeg).replaceAll(CAPTURED.bLeg, call.bLegs[0]!).replaceAll(CAPTURED.caller, call.callerLeg ?? '');
  const found = session.find((exchange) => ours(exchange.command.raw.replace(/\n\n$/, '')) === command);
  if (!found) throw new Error(`no captured exchange for ${JSON.stringify(command)}`);
  return found;
}

/** A reply frame with the captured call's uuids mapped to ours, for exact comparison. */
function asOurs(frame: RawFrame | undefined, call: PlacedCall): { headers: Array<[string, string]>; body: string } {
  const map = (text: string): string => text.replaceAll(CAPTURED.aLeg, call.aLeg).replaceAll(CAPTURED.bLeg, call.bLegs[0]!);
  return { headers: (frame?.headers ?? []).map(([k, v]) => [k, map(v)]), body: map(frame?.body.toString('utf8') ?? '') };
}

function comparable(frame: RawFrame): { headers: Array<[string, string]>; body: string } {
  return { headers: frame.headers.map(([k, v]) => [k, v]), body: frame.body.toString('utf8') };
}

describe('connection handshake and teardown (exact bytes of the 05 captures)', () => {
  it('a wrong password gets -ERR invalid, the 67-byte disconnect notice and a close', async () => {
    const { port } = await startSimulator();
    const client = await EslTestClient.connect(port);
    client.write('auth WrongPass\n\n');
    await client.whenClosed();
    expect(allBytes(client)).toEqual(captureBytes('05-api-responses.wrong-password.txt'));
  });

  it('linger/nolinger/myevents/divert_events/log/nolog on an inbound connection, then exit', async () => {
    const { port } = await startSimulator();
    const client = await EslTestClient.connect(port);
    const commands = readCaptureSession('05-api-responses.linger-exit.txt').map(({ command }) => command.line);
    for (const command of commands) client.write(`${command}\n\n`);
    await client.whenClosed();
    expect(allBytes(client)).toEqual(captureBytes('05-api-responses.linger-exit.txt'));
  });

  it('before auth, commands get -ERR command not found and the connection stays usable', async () => {
    const { port } = await startSimulator();
    const client = await EslTestClient.connect(port);
    cleanups.push(() => client.close());
    expect(replyText(await client.command('api status'))).toBe('-ERR command not found');
    expect(replyText(await client.command('auth ClueCon'))).toBe('+OK accepted');
    expect(client.isClosed).toBe(false);
  });
});

describe('command replies of the 05 session', () => {
  const session = readCaptureSession(SESSION);

  async function callAndClient(): Promise<{ sim: FreeSwitchSimulator; client: EslTestClient; call: PlacedCall }> {
    const { sim, port } = await startSimulator();
    const client = await authenticated(port);
    const call = await sim.placeCall({ domain: '127.0.0.1', targets: ['200'], caller: 'loopback', dialVariables: { call_groups: 'sales' } });
    return { sim, client, call };
  }

  it('api replies are byte-identical (trailing newline or not)', async () => {
    const { client, call } = await callAndClient();
    const commands = [
      'api version',
      'api hostname',
      'api global_getvar switchname',
      'api global_getvar hostname',
      'api global_getvar local_ip_v4',
      `api uuid_exists ${call.aLeg}`,
      `api uuid_exists ${call.bLegs[0]}`,
      'api uuid_exists 00000000-0000-0000-0000-000000000000',
      `api uuid_getvar ${call.bLegs[0]} call_groups`,
      `api uuid_getvar ${call.bLegs[0]} no_such_var_here`,
      'api uuid_getvar 00000000-0000-0000-0000-000000000000 call_groups',
      `api uuid_getvar ${call.bLegs[0]}`,
      'api uuid_transfer 00000000-0000-0000-0000-000000000000 88sales inline',
      'api uuid_transfer 00000000-0000-0000-0000-000000000000 -both 88sales XML default',
      'api uuid_kill 00000000-0000-0000-0000-000000000000',
      `api intercept ${call.aLeg}`,
      `api uuid_intercept ${call.aLeg}`,
      'api nosuchcommand foo',
      `api uuid_kill ${call.callerLeg}`,
    ];
    for (const command of commands) {
      const expected = asOurs(capturedExchange(session, command, call).reply, call);
      expect(comparable(await client.command(command)), command).toEqual(expected);
    }
  });

  it('show channels/calls as json: `{"row_count": 0}\\n` when empty, the captured columns otherwise', async () => {
    const { sim, port } = await startSimulator();
    const client = await authenticated(port);
    const empty = session.find(({ command }) => command.line === 'api show channels as json')!.reply!;
    expect(comparable(await client.command('api show channels as json'))).toEqual(comparable(empty));
    expect(comparable(await client.command('api show calls as json'))).toEqual(comparable(empty));
    await sim.placeCall({ domain: '127.0.0.1', targets: ['200'], caller: 'loopback' });
    for (const what of ['channels', 'calls']) {
      const captured = JSON.parse(session.filter(({ command }) => command.line === `api show ${what} as json`)[1]!.reply!.body.toString());
      const ours = JSON.parse((await client.command(`api show ${what} as json`)).body.toString());
      expect(ours.row_count).toBe(captured.row_count);
      expect(Object.keys(ours.rows[0])).toEqual(Object.keys(captured.rows[0]));
      expect(ours.rows.map((row: { callstate: string }) => row.callstate)).toEqual(captured.rows.map((row: { callstate: string }) => row.callstate));
    }
  });

  it('sendmsg to a missing session, event/nixevent/noevents and filter replies', async () => {
    const { client, call } = await callAndClient();
    const commands = [
      `sendmsg 00000000-0000-0000-0000-000000000000\ncall-command: execute\nexecute-app-name: intercept\nexecute-app-arg: ${call.aLeg}`,
      'event plain BACKGROUND_JOB',
      'noevents',
      'event plain CHANNEL_CALLSTATE CHANNEL_HANGUP_COMPLETE',
      'event plain CUSTOM sofia::register sofia::unregister',
      'event json CHANNEL_CREATE',
      'event xml CHANNEL_CREATE',
      'event plain NO_SUCH_EVENT',
      'nixevent CHANNEL_CREATE',
      'noevents',
      `filter Unique-ID ${call.aLeg}`,
      'filter Event-Name CHANNEL_HANGUP_COMPLETE',
      'filter',
      `filter delete Unique-ID ${call.aLeg}`,
      'filter delete Event-Name CHANNEL_HANGUP_COMPLETE',
      'filter delete all',
      'filter delete Unique-ID nope',
    ];
    for (const command of commands) {
      const expected = asOurs(capturedExchange(session, command, call).reply, call);
      expect(comparable(await client.command(command)), command).toEqual(expected);
    }
  });

  it('bgapi: +OK Job-UUID reply with its header, a client Job-UUID honoured, BACKGROUND_JOB shaped as captured', async () => {
    const { client, call } = await callAndClient();
    await client.command('event plain BACKGROUND_JOB');
    const reply = await client.command(`bgapi uuid_exists ${call.aLeg}`);
    const jobUuid = headerOf(reply, 'Job-UUID')!;
    expect(reply.headers.map(([name]) => name)).toEqual(['Content-Type', 'Reply-Text', 'Job-UUID']);
    expect(replyText(reply)).toBe(`+OK Job-UUID: ${jobUuid}`);
    const job = await client.waitForEvent((event) => event.get('Job-UUID') === jobUuid, 'BACKGROUND_JOB');
    const captured = readCaptureEvents(SESSION).find((event) => event.get('Event-Name') === 'BACKGROUND_JOB' && event.get('Job-Command') === 'uuid_exists')!;
    expect(job.headers.map(([name]) => name)).toEqual(captured.headers.map(([name]) => name));
    expect([job.get('Job-Command'), job.get('Job-Command-Arg'), job.body]).toEqual(['uuid_exists', call.aLeg, 'true']);

    const chosen = await client.command('bgapi version\nJob-UUID: 11111111-2222-3333-4444-555555555555');
    expect(comparable(chosen)).toEqual(comparable(capturedExchange(session, 'bgapi version\nJob-UUID: 11111111-2222-3333-4444-555555555555', call).reply!));
    const version = await client.waitForEvent((event) => event.get('Job-UUID') === '11111111-2222-3333-4444-555555555555', 'version job');
    expect(version.body).toBe('FreeSWITCH Version 1.11.3-dev~64bit ( 64bit)\n');
  });

  it('the BACKGROUND_JOB body keeps its inner Content-Length in plain and is `_body` in json', async () => {
    const { port } = await startSimulator();
    const plain = await authenticated(port);
    const json = await authenticated(port);
    await plain.command('event plain BACKGROUND_JOB');
    await json.command('event json BACKGROUND_JOB');
    await plain.command('bgapi uuid_exists 00000000-0000-0000-0000-000000000000');
    const [plainFrame, jsonFrame] = await Promise.all([plain, json].map(async (client) => {
      await client.waitForEvent((event) => event.get('Event-Name') === 'BACKGROUND_JOB', 'job');
      return client.frames.find((frame) => decodeEventFrame(frame)?.get('Event-Name') === 'BACKGROUND_JOB')!;
    }));
    expect(plainFrame!.body.toString()).toMatch(/\nJob-Command-Arg: 00000000-0000-0000-0000-000000000000\nContent-Length: 5\n\nfalse$/);
    expect(JSON.parse(jsonFrame!.body.toString())).toMatchObject({ 'Job-Command': 'uuid_exists', 'Content-Length': '5', _body: 'false' });
  });

  it('sendevent: +OK <Event-UUID>; fired with the client headers after Command, unless unique-id names a live channel', async () => {
    const { client, call } = await callAndClient();
    await client.command('event plain PRESENCE_IN CUSTOM fslab::test');
    const toChannel = await client.command(`sendevent PRESENCE_IN\nproto: sip\nfrom: 200@127.0.0.1\nunique-id: ${call.aLeg}\nanswer-state: early`);
    expect(replyText(toChannel)).toMatch(/^\+OK [0-9a-f-]{36}$/);
    const fired = await client.command('sendevent PRESENCE_IN\nproto: sip\nfrom: 200@127.0.0.1\nlogin: 200@127.0.0.1\nstatus: Available\nevent_type: presence\nalt_event_type: dialog\nanswer-state: terminated\nContent-Length: 11\n\nhello world');
    const eventUuid = replyText(fired)!.slice('+OK '.length);
    const event = await client.waitForEvent((e) => e.get('Event-UUID') === eventUuid, 'the fired PRESENCE_IN');
    const captured = readCaptureEvents(SESSION_EVENTS).find((e) => e.get('Event-Name') === 'PRESENCE_IN' && e.body === 'hello world')!;
    expect(event.headers.map(([name]) => name)).toEqual(captured.headers.map(([name]) => name));
    expect(event.body).toBe('hello world');
    expect(client.events.filter((e) => e.get('Event-Name') === 'PRESENCE_IN')).toHaveLength(1);

    const custom = await client.command('sendevent CUSTOM\nEvent-Subclass: fslab::test\nfoo: bar baz');
    const customEvent = await client.waitForEvent((e) => e.get('Event-UUID') === replyText(custom)!.slice(4), 'the CUSTOM event');
    const capturedCustom = readCaptureEvents(SESSION_EVENTS).find((e) => e.get('Event-Subclass') === 'fslab::test')!;
    expect(customEvent.headers.map(([name]) => name)).toEqual(capturedCustom.headers.map(([name]) => name));
  });
});

describe('event delivery', () => {
  it('CUSTOM subclasses: only the subscribed ones; filters restrict as mod_event_socket does', async () => {
    const { port } = await startSimulator();
    const custom = await authenticated(port);
    const filtered = await authenticated(port);
    const sender = await authenticated(port);
    await custom.command('event plain CUSTOM fslab::wanted');
    await filtered.command('event plain ALL');
    await filtered.command('filter Event-Subclass fslab::wanted');
    await filtered.command('filter foo -veto');
    for (const [subclass, foo] of [['fslab::other', 'x'], ['fslab::wanted', 'veto'], ['fslab::wanted', 'ok']]) {
      await sender.command(`sendevent CUSTOM\nEvent-Subclass: ${subclass}\nfoo: ${foo}`);
    }
    await sender.command('sendevent CUSTOM\nEvent-Subclass: fslab::end\nfoo: end');
    await filtered.command('filter delete all');
    await sender.command('sendevent CUSTOM\nEvent-Subclass: fslab::wanted\nfoo: last');
    await custom.waitForEvent((e) => e.get('foo') === 'last', 'the last event');
    await filtered.waitForEvent((e) => e.get('foo') === 'last', 'the last event');
    expect(custom.events.map((e) => e.get('foo'))).toEqual(['veto', 'ok', 'last']);
    expect(filtered.events.filter((e) => e.get('Event-Name') === 'CUSTOM').map((e) => e.get('foo'))).toEqual(['ok', 'last']);
  });
});
