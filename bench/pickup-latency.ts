import { EMPTY_PREFERENCES } from '../src/domain/preferences.ts';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../src/config/config.ts';
import { startController } from '../src/controller.ts';
import { Keys } from '../src/store/keys.ts';
import { PreferenceStore } from '../src/store/preference-store.ts';
import { FreeSwitchSimulator } from '../test/simulator/index.ts';

export interface LatencyResult {
  readonly ringingCalls: number;
  readonly pickups: number;
  readonly placeCallsSeconds: number;
  /** CHANNEL_PARK seen by the controller → intercept written (the controller's own decision time). */
  readonly decision: Percentiles;
  /** dialPickup issued on the simulator → the controller logs the pickup as done (includes the park tick). */
  readonly endToEnd: Percentiles;
}

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** Rings `ringingCalls` calls in group "sales", then has user 100 pick up `pickups` of them one by one. */
export async function measurePickupLatency(redisUrl: string, ringingCalls: number, pickups: number): Promise<LatencyResult> {
  const domain = 'bench.test';
  const sim = new FreeSwitchSimulator({ heartbeatIntervalMs: 3_600_000 });
  const port = await sim.listen(0);
  const env = { FSP_REDIS_URL: redisUrl, FSP_REDIS_KEY_PREFIX: 'benchlat', FSP_ESL_PORT: String(port), FSP_NODE_NAME: 'bench-node', FSP_LOG_LEVEL: 'info' };
  const waiters = new Map<string, (line: Record<string, unknown>) => void>();
  const finished = new Map<string, Record<string, unknown>>();
  const decisions: number[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) {
        const line = JSON.parse(text) as Record<string, unknown>;
        if (line.msg === 'call claimed' && typeof line.decisionMs === 'number') decisions.push(line.decisionMs);
        if (line.msg === 'call picked up' || line.msg === 'pickup failed; picker hung up') {
          finished.set(String(line.pickerUuid), line);
          waiters.get(String(line.pickerUuid))?.(line);
        }
      }
      done();
    },
  });
  const controller = startController(loadConfig(env), pino({ level: 'info' }, sink));
  try {
    await new Promise<void>((resolve) => controller.nodes[0]?.esl.onReady(() => resolve()));
    const keys = new Keys('benchlat');
    await new PreferenceStore(controller.redis, keys).setMany([
      { user: { extension: '100', domain }, preferences: { ...EMPTY_PREFERENCES, callGroups: [], pickupGroups: ['sales'] } },
      { user: { extension: '200', domain }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'], pickupGroups: [] } },
    ]);
    const placingStarted = performance.now();
    for (let placed = 0; placed < ringingCalls; placed += 50) {
      await Promise.all(Array.from({ length: Math.min(50, ringingCalls - placed) }, () => sim.placeCall({ domain, targets: ['200'] })));
    }
    while ((await controller.redis.zcard(keys.groupIndex(domain, 'sales'))) < ringingCalls) await new Promise((resolve) => setTimeout(resolve, 20));
    const placeCallsSeconds = (performance.now() - placingStarted) / 1000;

    const endToEnd: number[] = [];
    for (let i = 0; i < pickups; i++) {
      const startedAt = performance.now();
      const done = new Promise<Record<string, unknown>>((resolve) => {
        void sim.dialPickup({ extension: '100', domain, dialled: '88sales', parkTimeoutSec: 8, variables: { fs_pickup_request: 'true', intercept_unanswered_only: 'true' } }).then((picker) => {
          const line = finished.get(picker);
          if (line) resolve(line);
          else waiters.set(picker, resolve);
        });
      });
      const line = await done;
      if (line.msg !== 'call picked up') throw new Error(`pickup ${i} failed: ${JSON.stringify(line)}`);
      endToEnd.push(performance.now() - startedAt);
    }
    return { ringingCalls, pickups, placeCallsSeconds, decision: percentiles(decisions), endToEnd: percentiles(endToEnd) };
  } finally {
    await controller.stop();
    await sim.close();
  }
}
