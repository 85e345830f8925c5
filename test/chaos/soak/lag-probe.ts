/**
 * The soak's lag probe, in a process of its own so that its clocks are not held up by the simulator's work: it
 * listens to each simulated node's event socket (filtered to the sampled users) for the moment the switch fired a
 * leg's first ringing event (Event-Date-Timestamp), and to `<prefix>:calls` — which the store's scripts publish on
 * every index change, `{domain, groups}` — for the moment its call was indexed. Each sampled user has a call group of
 * its own (`lag<n>`), so a message names the call. Nothing polls Redis. Both connections come back after an outage.
 *
 * Parent → probe: `{ start: ProbeSettings }`, `{ report: true }`; probe → parent: `{ started: true }`, `{ lags }`.
 */
import { connect, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { channelFactOf } from '../../../src/esl/channel-facts.ts';
import { decodeEvent, isEventFrame } from '../../../src/esl/event.ts';
import { FrameParser } from '../../../src/esl/frame-parser.ts';

export interface ProbeSettings {
  readonly eslPorts: readonly number[];
  readonly redisUrl: string;
  readonly channel: string;
  /** Regex source the sampled users' extensions match, e.g. `^7\d{3}$`. */
  readonly sampledUsers: string;
  /** The sampled user's own group: `lag<extension>`. */
  readonly groupPrefix: string;
}

/** One sampled leg: when its first ringing event fired (epoch ms) and how long until its call was indexed (null: never). */
export interface LegLag {
  readonly firedAt: number;
  readonly lagMs: number | null;
}

export type ProbeRequest = { readonly start: ProbeSettings } | { readonly report: true };
export type ProbeReply = { readonly started: true } | { readonly lags: readonly LegLag[] };

const now = (): number => performance.timeOrigin + performance.now();
const fired = new Map<string, { extension: string; firedAt: number }>();
const indexedAt = new Map<string, number[]>();
const reply = (message: ProbeReply): void => void process.send?.(message);

/** One node's event socket, reconnected whenever it drops (a chaos step cuts it). */
function listen(port: number, settings: ProbeSettings, onReady: () => void): void {
  let socket: Socket;
  const open = (): void => {
    const parser = new FrameParser();
    socket = connect({ port, host: '127.0.0.1' });
    socket.on('data', (chunk: Buffer) => {
      for (const frame of parser.push(chunk)) {
        if (frame.headers['Content-Type'] === 'auth/request') {
          socket.write(`auth ClueCon\n\nfilter variable_dialed_user /${settings.sampledUsers}/\n\nevent json CHANNEL_CREATE CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA\n\n`);
          onReady();
          continue;
        }
        if (!isEventFrame(frame)) continue;
        const event = decodeEvent(frame);
        const fact = channelFactOf(event);
        if (fact?.kind !== 'leg-ringing' || fired.has(fact.legUuid)) continue;
        fired.set(fact.legUuid, { extension: fact.extension, firedAt: Number(event.headers['Event-Date-Timestamp']) / 1000 });
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => setTimeout(open, 50));
  };
  open();
}

function start(settings: ProbeSettings): void {
  let pending = settings.eslPorts.length + 1;
  const ready = (): void => {
    if (--pending === 0) reply({ started: true });
  };
  const subscriber = new Redis(settings.redisUrl, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  subscriber.on('error', () => undefined);
  subscriber.on('message', (_channel: string, message: string) => {
    const at = now();
    for (const group of (JSON.parse(message) as { groups?: string[] }).groups ?? []) {
      if (group.startsWith(settings.groupPrefix)) indexedAt.set(group, [...(indexedAt.get(group) ?? []), at]);
    }
  });
  void subscriber.subscribe(settings.channel).then(ready);
  for (const port of settings.eslPorts) {
    let announced = false;
    listen(port, settings, () => {
      if (announced) return;
      announced = true;
      ready();
    });
  }
}

function lags(settings: ProbeSettings): LegLag[] {
  return [...fired.values()].map(({ extension, firedAt }) => {
    const indexed = (indexedAt.get(`${settings.groupPrefix}${extension}`) ?? []).find((at) => at >= firedAt);
    return { firedAt, lagMs: indexed === undefined ? null : indexed - firedAt };
  });
}

let settings: ProbeSettings | undefined;
process.on('message', (request: ProbeRequest) => {
  if ('start' in request) {
    settings = request.start;
    start(settings);
  } else if (settings) {
    reply({ lags: lags(settings) });
  }
});
process.on('disconnect', () => process.exit(0));
