import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import modesl from 'modesl';
import { pino } from 'pino';
import { channelFactOf, CONTROLLER_EVENTS } from '../src/esl/channel-facts.ts';
import { EslClient } from '../src/esl/client.ts';
import { CallStore } from '../src/store/call-store.ts';
import { Keys } from '../src/store/keys.ts';
import { connectRedis } from '../src/store/redis-connection.ts';
import { RingingTracker } from '../src/tracker/ringing-tracker.ts';

/** Events per second, per client, on the same flood of real 6 KB ringing-leg events (bench/flood-server.ts). */
export interface IngestResult {
  readonly events: number;
  readonly controllerPerSecond: number;
  readonly parseOnlyPerSecond: number;
  readonly modeslPerSecond: number;
}

const silent = pino({ level: 'silent' });

interface FloodServer {
  readonly child: ChildProcess;
  readonly port: number;
  /** Builds `count` events (before any clock starts). */
  prepare(count: number): Promise<void>;
  /** Writes the prepared events to every subscribed client. */
  flood(): Promise<void>;
}

async function startFloodServer(): Promise<FloodServer> {
  const child = fork(fileURLToPath(new URL('./flood-server.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
  const port = await new Promise<number>((resolve) => child.once('message', (m: { port: number }) => resolve(m.port)));
  const ask = (message: object): Promise<void> =>
    new Promise((resolve) => {
      child.once('message', () => resolve());
      child.send(message);
    });
  return { child, port, prepare: (count) => ask({ cmd: 'prepare', count }), flood: () => ask({ cmd: 'flood' }) };
}

/** Times from the flood's start until `received()` reaches `count`. */
async function timeUntil(count: number, start: () => Promise<void>, received: () => number): Promise<number> {
  const startedAt = performance.now();
  await start();
  while (received() < count) await new Promise((resolve) => setTimeout(resolve, 1));
  return performance.now() - startedAt;
}

/** Runs the three clients one after the other against the same simulator flood. */
export async function measureIngest(redisUrl: string, count: number): Promise<IngestResult> {
  const server = await startFloodServer();
  try {
    // 1. The controller's path: our ESL client, channel facts, the tracker mirroring into Redis.
    const { redis } = connectRedis({ kind: 'single', url: redisUrl }, silent);
    await new Promise((resolve) => redis.once('ready', resolve));
    const tracker = new RingingTracker(new CallStore(redis, new Keys('bench')), 'bench-node', silent);
    const esl = new EslClient({ host: '127.0.0.1', port: server.port, password: 'ClueCon', events: CONTROLLER_EVENTS, logger: silent });
    let mirrored = 0;
    esl.onEvent((event) => {
      const fact = channelFactOf(event);
      if (fact?.kind === 'leg-ringing') void tracker.apply(fact).then(() => mirrored++);
    });
    await new Promise<void>((resolve) => {
      esl.onReady(() => resolve());
      esl.start();
    });
    await server.prepare(count);
    const controllerMs = await timeUntil(count, () => server.flood(), () => mirrored);
    await esl.stop();
    redis.disconnect();

    // 2. Our ESL client alone (framing + decoding), for reference.
    const parseOnly = new EslClient({ host: '127.0.0.1', port: server.port, password: 'ClueCon', events: CONTROLLER_EVENTS, logger: silent });
    let parsed = 0;
    parseOnly.onEvent((event) => {
      if (event.name === 'CHANNEL_PROGRESS') parsed++;
    });
    await new Promise<void>((resolve) => {
      parseOnly.onReady(() => resolve());
      parseOnly.start();
    });
    await server.prepare(count);
    const parseOnlyMs = await timeUntil(count, () => server.flood(), () => parsed);
    await parseOnly.stop();

    // 3. Bare modesl on the same stream (its own json subscription), events counted as it emits them.
    let modeslEvents = 0;
    const connection = await new Promise<InstanceType<typeof modesl.Connection>>((resolve) => {
      const c: InstanceType<typeof modesl.Connection> = new modesl.Connection('127.0.0.1', server.port, 'ClueCon', () => {
        c.sendRecv(`event json ${CONTROLLER_EVENTS.join(' ')}`, () => resolve(c));
      });
      c.on('error', () => undefined);
    });
    connection.on('esl::event::CHANNEL_PROGRESS::*', () => modeslEvents++);
    await server.prepare(count);
    const modeslMs = await timeUntil(count, () => server.flood(), () => modeslEvents);
    connection.socket?.destroy();

    return {
      events: count,
      controllerPerSecond: Math.round((count / controllerMs) * 1000),
      parseOnlyPerSecond: Math.round((count / parseOnlyMs) * 1000),
      modeslPerSecond: Math.round((count / modeslMs) * 1000),
    };
  } finally {
    server.child.send({ cmd: 'exit' });
  }
}
