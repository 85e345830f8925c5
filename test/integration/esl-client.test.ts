import { createServer, type Server } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EslClient, type EslClientOptions } from '../../src/esl/client.ts';
import { EslUnavailableError, EslUnsafeArgumentError } from '../../src/esl/errors.ts';
import type { EslEvent } from '../../src/esl/event.ts';
import { FreeSwitchSimulator } from '../simulator/index.ts';

const silent = pino({ level: 'silent' });
const cleanups: Array<() => Promise<unknown> | unknown> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(): Promise<{ sim: FreeSwitchSimulator; port: number }> {
  const sim = new FreeSwitchSimulator({ parkTickMs: 2 });
  const port = await sim.listen(0);
  cleanups.push(() => sim.close());
  return { sim, port };
}

function client(port: number, options: Partial<EslClientOptions> = {}): EslClient {
  const esl = new EslClient({ host: '127.0.0.1', port, password: 'ClueCon', events: ['CHANNEL_CREATE', 'CHANNEL_EXECUTE_COMPLETE', 'BACKGROUND_JOB', 'HEARTBEAT'], logger: silent, reconnectInitialDelayMs: 20, reconnectMaxDelayMs: 100, ...options });
  cleanups.push(() => esl.stop());
  return esl;
}

function nextReady(esl: EslClient): Promise<void> {
  return new Promise((resolve) => esl.onReady(() => resolve()));
}

/** A client started and ready (connected, authenticated, subscribed). */
async function readyClient(port: number, options: Partial<EslClientOptions> = {}): Promise<EslClient> {
  const esl = client(port, options);
  const ready = nextReady(esl);
  esl.start();
  await ready;
  return esl;
}

describe('EslClient against the FreeSWITCH simulator (real TCP)', () => {
  it('subscribes in json to exactly the events asked for, then is ready', async () => {
    const { sim, port } = await simulator();
    const esl = await readyClient(port);
    expect(esl.isReady).toBe(true);
    expect(sim.commands.map((c) => c.line)).toContain('event json CHANNEL_CREATE CHANNEL_EXECUTE_COMPLETE BACKGROUND_JOB HEARTBEAT');
    expect(sim.commands.some((c) => c.line.startsWith('auth '))).toBe(true);
  });

  it('runs api commands directly (the answer is the reply) and as bgapi with its own Job-UUID, with the exact output', async () => {
    const { sim, port } = await simulator();
    const esl = await readyClient(port);
    expect(await esl.api('uuid_exists 00000000-0000-0000-0000-000000000000')).toBe('false');
    expect(await esl.api('nosuchcommand foo')).toBe('-ERR nosuchcommand Command not found!\n');
    expect(sim.commands.filter((c) => c.name === 'api').map((c) => c.line)).toEqual(['api uuid_exists 00000000-0000-0000-0000-000000000000', 'api nosuchcommand foo']);
    expect(await esl.backgroundApi('uuid_exists 00000000-0000-0000-0000-000000000000')).toBe('false');
    const bgapi = sim.commands.filter((c) => c.name === 'bgapi');
    expect(bgapi).toHaveLength(1);
    expect(bgapi[0]?.headers['Job-UUID']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('writes every command in one piece (one TCP read on the switch side), so no command waits on a delayed ACK', async () => {
    const { sim, port } = await simulator();
    const esl = await readyClient(port);
    await Promise.all([esl.api('uuid_exists 1'), esl.backgroundApi('uuid_exists 2'), esl.sendEvent('CUSTOM', { 'Event-Subclass': 'fs_pickup::test', 'x-a': 'b' })]);
    const mine = sim.commands.filter((c) => c.session === undefined);
    expect(mine.map((c) => c.name)).toEqual(expect.arrayContaining(['auth', 'event', 'api', 'bgapi', 'sendevent']));
    for (const command of mine) expect(command.chunks, command.line).toBe(1);
  });

  it('matches every reply to its own command under heavy interleaving of api, bgapi and sendevent', async () => {
    const { sim, port } = await simulator();
    const esl = await readyClient(port);
    const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        if (i % 3 === 0) return esl.sendEvent('CUSTOM', { 'Event-Subclass': 'fs_pickup::test', n: String(i) }).then((uuid) => `${uuid.length > 0} ${i}`);
        if (i % 3 === 1) return esl.api(`uuid_exists ${i % 2 === 0 ? call.aLeg : '00000000-0000-0000-0000-00000000000' + (i % 10)}`).then((r) => `${r} ${i}`);
        return esl.backgroundApi(`uuid_exists ${call.aLeg}`).then((r) => `${r} ${i}`);
      }),
    );
    results.forEach((result, i) => {
      expect(result).toBe(i % 3 === 0 ? `true ${i}` : i % 3 === 1 ? `${i % 2 === 0 ? 'true' : 'false'} ${i}` : `true ${i}`);
    });
  });

  it('refuses arguments that would break the command line, before sending anything, and stays in step', async () => {
    const { sim, port } = await simulator();
    const esl = await readyClient(port);
    const sent = sim.commands.length;
    await expect(esl.api('uuid_kill x\n\napi hupall')).rejects.toBeInstanceOf(EslUnsafeArgumentError);
    await expect(esl.backgroundApi('status\r\nbgapi hupall')).rejects.toBeInstanceOf(EslUnsafeArgumentError);
    await expect(esl.sendEvent('CUSTOM', { 'Event-Subclass': 'x', header: 'v\n\napi hupall' })).rejects.toBeInstanceOf(EslUnsafeArgumentError);
    expect(sim.commands.length).toBe(sent);
    // Nothing was queued for the refused commands: the next replies still go to their own commands.
    expect(await esl.api('uuid_exists 1')).toBe('false');
    expect((await esl.sendEvent('CUSTOM', { 'Event-Subclass': 'fs_pickup::test' })).length).toBeGreaterThan(0);
  });

  it('reconnects and re-subscribes after a drop', async () => {
    const { sim, port } = await simulator();
    const esl = client(port);
    let readyCount = 0;
    esl.onReady(() => {
      readyCount++;
    });
    const disconnected = new Promise<string>((resolve) => esl.onDisconnected(resolve));
    const ready = nextReady(esl);
    esl.start();
    await ready;
    const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    const again = nextReady(esl);
    sim.dropConnections();
    expect(await disconnected).toMatch(/./);
    await again;
    expect(readyCount).toBe(2);
    const subscription = 'event json CHANNEL_CREATE CHANNEL_EXECUTE_COMPLETE BACKGROUND_JOB HEARTBEAT';
    expect(sim.commands.filter((c) => c.line === subscription)).toHaveLength(2);
    expect(await esl.api(`uuid_exists ${call.aLeg}`)).toBe('true');
  });

  it('readyWithin: a client waiting out its back-off retries at once when something needs the switch', async () => {
    const { sim, port } = await simulator();
    const esl = await readyClient(port, { reconnectInitialDelayMs: 30_000, reconnectMaxDelayMs: 30_000 });
    sim.setAcceptingConnections(false);
    const disconnected = new Promise<string>((resolve) => esl.onDisconnected(resolve));
    sim.dropConnections();
    await disconnected;
    expect(await esl.readyWithin(200)).toBe(false);
    sim.setAcceptingConnections(true);
    const startedAt = Date.now();
    // The scheduled retry is 15-30 s away: only an immediate one makes it ready within a second.
    expect(await esl.readyWithin(1_000)).toBe(true);
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(esl.isReady).toBe(true);
  });

  it('survives a listener that throws and a % in a reply header', async () => {
    const { sim, port } = await simulator();
    const esl = client(port);
    esl.onEvent(() => {
      throw new Error('listener bug');
    });
    const created = new Promise<EslEvent>((resolve) => esl.onEvent((event) => event.name === 'CHANNEL_CREATE' && resolve(event)));
    const ready = nextReady(esl);
    esl.start();
    await ready;
    sim.sendRawToClients('Content-Type: command/reply\nReply-Text: +OK filter added. [x]=[100%]\n\n');
    const call = await sim.placeCall({ domain: 'pbx.test', targets: ['200'] });
    expect([call.aLeg, ...call.bLegs]).toContain((await created).headers['Unique-ID']);
    expect(await esl.api('uuid_exists 1')).toBe('false');
  });

  it('keeps retrying with a wrong password and never becomes ready', async () => {
    const { sim, port } = await simulator();
    const esl = client(port, { password: 'WrongPass' });
    esl.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(esl.isReady).toBe(false);
    expect(sim.commands.filter((c) => c.line === 'auth WrongPass').length).toBeGreaterThanOrEqual(2);
    await expect(esl.api('version')).rejects.toBeInstanceOf(EslUnavailableError);
  });

  it('times a command out when the server never answers, drops a silent connection and rejects what is in flight', async () => {
    // A real TCP server that greets like FreeSWITCH, accepts the password and then says nothing more.
    const sockets: Array<import('node:net').Socket> = [];
    const silentServer: Server = createServer((socket) => {
      sockets.push(socket);
      socket.write('Content-Type: auth/request\n\n');
      // Answers auth, modesl's own subscription and ours (each command ends with a blank line); nothing after that.
      let received = '';
      let answered = 0;
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString();
        const commands = received.split('\n\n').length - 1;
        for (; answered < Math.min(commands, 3); answered++) socket.write('Content-Type: command/reply\nReply-Text: +OK accepted\n\n');
      });
    });
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      silentServer.close(resolve);
    }));
    const address = silentServer.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const esl = await readyClient(port, { livenessTimeoutMs: 400 });
    await expect(esl.api('version', 150)).rejects.toThrow(/no reply to api "version" within 150 ms/);
    // A background job still waiting (its own, longer timeout) is rejected when the silent connection is dropped.
    const pending = esl.backgroundApi('status', 30_000);
    pending.catch(() => undefined);
    const disconnected = await new Promise<string>((resolve) => esl.onDisconnected(resolve));
    expect(disconnected).toMatch(/nothing received/);
    await expect(pending).rejects.toThrow(/connection to FreeSWITCH lost: nothing received/);
  });
});
