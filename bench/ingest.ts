import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import modesl from 'modesl';
import { pino } from 'pino';
import { channelFactOf, CONTROLLER_EVENTS } from '../src/esl/channel-facts.ts';
import { EslClient } from '../src/esl/client.ts';
import { CallStore } from '../src/store/call-store.ts';
import { Keys } from '../src/store/keys.ts';
import { createRedis } from '../src/store/redis-connection.ts';
import { RingingTracker } from '../src/tracker/ringing-tracker.ts';
import type { FloodReply, FloodRequest } from './flood-server.ts';
import { spreadOf } from './stats.ts';
import { until } from './wait.ts';

/** The clients measured on the same stream. */
export const INGEST_CLIENTS = ['controller', 'esl-client', 'modesl'] as const;
export type IngestClientKind = (typeof INGEST_CLIENTS)[number];

export interface IngestResult {
  /** Events in each flood. */
  readonly events: number;
  /** Bytes of each flood (frames as written). */
  readonly bytes: number;
  readonly rounds: number;
  /** Median over the rounds, events per second. */
  readonly perSecond: Readonly<Record<IngestClientKind, number>>;
}

/** One connected client and how many events of the flood it has done so far. */
interface IngestClient {
  done(): number;
  stop(): Promise<void>;
}

const silent = pino({ level: 'silent' });
const PASSWORD = 'ClueCon';

/**
 * The controller's path: our ESL client, channel facts, the tracker mirroring into Redis (as NodeRuntime wires them).
 * An event is done when its fact has been mirrored, or at once when it has none.
 */
async function controllerClient(port: number, redisUrl: string): Promise<IngestClient> {
  const redis = createRedis({ kind: 'single', url: redisUrl });
  await redis.connect();
  const tracker = new RingingTracker(new CallStore(redis, new Keys(`benchingest${randomUUID().slice(0, 6)}`)), 'bench-node', silent);
  let done = 0;
  const esl = await readyEslClient(port, (event) => {
    const fact = channelFactOf(event);
    if (!fact) done++;
    else return tracker.apply(fact).then(() => void done++);
  });
  return {
    done: () => done,
    async stop() {
      await esl.stop();
      redis.disconnect();
    },
  };
}

/** Our ESL client alone: framing and decoding, every event counted as it is dispatched. */
async function eslOnlyClient(port: number): Promise<IngestClient> {
  let done = 0;
  const esl = await readyEslClient(port, () => void done++);
  return { done: () => done, stop: () => esl.stop() };
}

async function readyEslClient(port: number, onEvent: Parameters<EslClient['onEvent']>[0]): Promise<EslClient> {
  const esl = new EslClient({ host: '127.0.0.1', port, password: PASSWORD, events: CONTROLLER_EVENTS, logger: silent });
  esl.onEvent(onEvent);
  await new Promise<void>((resolve) => {
    esl.onReady(() => resolve());
    esl.start();
  });
  return esl;
}

/** Bare modesl 1.2.1 with its own parser, subscribed to the same events, counting every event it emits. */
async function modeslClient(port: number): Promise<IngestClient> {
  let done = 0;
  const connection = await new Promise<InstanceType<typeof modesl.Connection>>((resolve) => {
    const c: InstanceType<typeof modesl.Connection> = new modesl.Connection('127.0.0.1', port, PASSWORD, () => {
      c.sendRecv(`event json ${CONTROLLER_EVENTS.join(' ')}`, () => resolve(c));
    });
    c.on('error', () => undefined);
  });
  connection.on('esl::event::*::*', () => void done++);
  return {
    done: () => done,
    async stop() {
      connection.socket?.destroy();
    },
  };
}

/** The simulator flooding the call stream, in its own process (flood-server.ts). */
class FloodServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(): Promise<FloodServer> {
    const child = fork(fileURLToPath(new URL('./flood-server.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] });
    const ready = await new Promise<FloodReply>((resolve) => child.once('message', resolve));
    if (!('port' in ready)) throw new Error('bench: the flood server did not say its port');
    return new FloodServer(child, ready.port);
  }

  ask(request: FloodRequest): Promise<FloodReply> {
    return new Promise((resolve) => {
      this.child.once('message', resolve);
      this.child.send(request);
    });
  }

  stop(): void {
    this.child.send({ cmd: 'exit' } satisfies FloodRequest);
  }
}

/**
 * Events per second of each client on the same stream of whole calls: each round floods a freshly prepared stream of
 * at least `events` events to one client at a time (the others disconnected), the clients alternating; the
 * median round per client is reported.
 */
export async function measureIngest(redisUrl: string, events: number, rounds: number): Promise<IngestResult> {
  const server = await FloodServer.start();
  try {
    const connect: Record<IngestClientKind, () => Promise<IngestClient>> = {
      controller: () => controllerClient(server.port, redisUrl),
      'esl-client': () => eslOnlyClient(server.port),
      modesl: () => modeslClient(server.port),
    };
    const rates: Record<IngestClientKind, number[]> = { controller: [], 'esl-client': [], modesl: [] };
    let shape = { events: 0, bytes: 0 };
    for (let round = 0; round < rounds; round++) {
      for (const kind of INGEST_CLIENTS) {
        const client = await connect[kind]();
        const reply = await server.ask({ cmd: 'prepare', events });
        if (!('prepared' in reply)) throw new Error('bench: the flood server did not prepare');
        shape = reply.prepared;
        const startedAt = performance.now();
        await server.ask({ cmd: 'flood' });
        await until(() => client.done() >= shape.events, `${kind} to take ${shape.events} events`, 300_000, 1);
        rates[kind].push(shape.events / ((performance.now() - startedAt) / 1000));
        await client.stop();
      }
    }
    const median = (kind: IngestClientKind): number => Math.round(spreadOf(rates[kind]).p50);
    return { ...shape, rounds, perSecond: { controller: median('controller'), 'esl-client': median('esl-client'), modesl: median('modesl') } };
  } finally {
    server.stop();
  }
}
