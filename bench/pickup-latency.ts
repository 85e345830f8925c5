import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../src/config/config.ts';
import { startController, type RunningController } from '../src/controller.ts';
import { EMPTY_PREFERENCES } from '../src/domain/preferences.ts';
import { CallStore } from '../src/store/call-store.ts';
import { Keys } from '../src/store/keys.ts';
import { PreferenceStore } from '../src/store/preference-store.ts';
import { FreeSwitchSimulator, SipNetwork } from '../test/simulator/index.ts';

export interface LatencyResult {
  /** Calls in the group's index when the pickups start. */
  readonly ringingCalls: number;
  /** Of those, calls that really ring on the simulator (the oldest ones: the pickups take them). */
  readonly realCalls: number;
  readonly pickups: number;
  readonly placeCallsSeconds: number;
  /** CHANNEL_PARK seen by the picker's controller → intercept (same node) or hand-off bridge (cross-node) written. */
  readonly decision: Percentiles;
  /** dialPickup issued on the simulator → the picker's controller logs the pickup as done. */
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

/** Reads a controller's log lines: decisions, and the end of each pickup by picker uuid. */
class PickupLog {
  readonly decisions: number[] = [];
  private readonly finished = new Map<string, Record<string, unknown>>();
  private readonly waiters = new Map<string, (line: Record<string, unknown>) => void>();

  readonly sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const text of chunk.toString().split('\n').filter(Boolean)) {
        const line = JSON.parse(text) as Record<string, unknown>;
        if (line.msg === 'call claimed' && typeof line.decisionMs === 'number') this.decisions.push(line.decisionMs);
        if (line.msg === 'call picked up' || line.msg === 'pickup failed; picker hung up') {
          this.finished.set(String(line.pickerUuid), line);
          this.waiters.get(String(line.pickerUuid))?.(line);
        }
      }
      done();
    },
  });

  outcome(pickerUuid: string): Promise<Record<string, unknown>> {
    const line = this.finished.get(pickerUuid);
    return line ? Promise.resolve(line) : new Promise((resolve) => this.waiters.set(pickerUuid, resolve));
  }
}

/**
 * Puts `ringingCalls` calls in group "sales", then has user 100 pick up `pickups` of them one by one (strategy
 * oldest). The simulator's ringing callers each poll like switch_ivr_originate does, so it cannot keep 10,000 of
 * them ringing on 2 cores: the `pickups` oldest calls really ring on the simulator, the younger rest are put into
 * Redis by the same ringLeg script the tracker runs (a live node's calls), so every claim searches the full index.
 * `crossNode`: the calls ring on a second node and every pickup is a hand-off (two simulators on one SIP
 * network, one controller each); otherwise picker and calls share one node.
 */
export async function measurePickupLatency(redisUrl: string, ringingCalls: number, pickups: number, crossNode = false): Promise<LatencyResult> {
  const domain = 'bench.test';
  const prefix = crossNode ? 'benchx' : 'benchlat';
  const network = new SipNetwork();
  const acl = ['10.0.0.1', '10.0.0.2'];
  const nodeNames = crossNode ? ['bench-1', 'bench-2'] : ['bench-1'];
  const sims = nodeNames.map((name, i) => new FreeSwitchSimulator({ heartbeatIntervalMs: 3_600_000, switchname: name, sipNetwork: network, clusterSipAddress: `${acl[i]}:5090`, clusterAcl: acl }));
  const logs = nodeNames.map(() => new PickupLog());
  const controllers: RunningController[] = [];
  try {
    for (const [i, sim] of sims.entries()) {
      const port = await sim.listen(0);
      const env = { FSP_REDIS_URL: redisUrl, FSP_REDIS_KEY_PREFIX: prefix, FSP_ESL_PORT: String(port), FSP_NODE_NAME: nodeNames[i] as string, FSP_NODE_SIP_ADDRESS: `${acl[i]}:5090`, FSP_LOG_LEVEL: 'info', FSP_CLAIM_STRATEGY: 'oldest', FSP_SOCKET_LISTEN: '127.0.0.1:0' };
      const controller = await startController(loadConfig(env), pino({ level: 'info' }, (logs[i] as PickupLog).sink));
      sim.setGlobal('fs_pickup_controllers', `${controller.socketAddress.host}:${controller.socketAddress.port}`);
      controllers.push(controller);
      await new Promise<void>((resolve) => controller.nodes[0]?.esl.onReady(() => resolve()));
    }
    const [pickerSim, callSim] = [sims[0] as FreeSwitchSimulator, sims[sims.length - 1] as FreeSwitchSimulator];
    const pickerLog = logs[0] as PickupLog;
    const redis = (controllers[0] as RunningController).redis;
    const keys = new Keys(prefix);
    await new PreferenceStore(redis, keys).setMany([
      { user: { extension: '100', domain }, preferences: { ...EMPTY_PREFERENCES, pickupGroups: ['sales'] } },
      { user: { extension: '200', domain }, preferences: { ...EMPTY_PREFERENCES, callGroups: ['sales'] } },
    ]);
    const placingStarted = performance.now();
    const realCalls = Math.min(pickups, ringingCalls);
    for (let placed = 0; placed < realCalls; placed += 50) {
      await Promise.all(Array.from({ length: Math.min(50, realCalls - placed) }, () => callSim.placeCall({ domain, targets: ['200'] })));
    }
    while ((await redis.zcard(keys.groupIndex(domain, 'sales'))) < realCalls) await new Promise((resolve) => setTimeout(resolve, 20));
    const seeded = new CallStore(redis, keys);
    const callNode = nodeNames[nodeNames.length - 1] as string;
    for (let added = realCalls; added < ringingCalls; added += 500) {
      await Promise.all(
        Array.from({ length: Math.min(500, ringingCalls - added) }, () =>
          seeded.addRingingLeg({ legUuid: randomUUID(), callUuid: randomUUID(), extension: '200', domain, node: callNode, callerNumber: '1', callerName: 'seeded' }),
        ),
      );
    }
    // Heartbeats announced (the hand-off needs the call node's SIP address and liveness).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    const placeCallsSeconds = (performance.now() - placingStarted) / 1000;

    const endToEnd: number[] = [];
    for (let i = 0; i < pickups; i++) {
      const startedAt = performance.now();
      const picker = await pickerSim.dialPickup({ extension: '100', domain, dialled: '88sales' });
      const line = await pickerLog.outcome(picker);
      if (line.msg !== 'call picked up') throw new Error(`pickup ${i} failed: ${JSON.stringify(line)}`);
      endToEnd.push(performance.now() - startedAt);
      await pickerSim.hangup(picker);
    }
    return { ringingCalls, realCalls, pickups, placeCallsSeconds, decision: percentiles(pickerLog.decisions), endToEnd: percentiles(endToEnd) };
  } finally {
    await Promise.all(controllers.map((controller) => controller.stop()));
    await Promise.all(sims.map((sim) => sim.close()));
  }
}
