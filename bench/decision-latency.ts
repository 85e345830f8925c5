import { randomUUID } from 'node:crypto';
import type { LogLine } from '../test/helpers/controller-process.ts';
import { type BenchNode, DOMAIN, GROUP, PICKER, RUNG, startBenchCluster } from './bench-cluster.ts';
import { ScriptTimer } from './script-timer.ts';
import { type Spread, spreadOf } from './stats.ts';

export interface DecisionLatencyResult {
  /** Calls in the group's index when the pickups start. */
  readonly indexed: number;
  /** Of those, calls that really ring on the simulator (the oldest: the pickups take them). */
  readonly ringing: number;
  /** `decisionMs` of `call claimed` (the request's channel data received → intercept written), one per measured pickup. */
  readonly decision: Spread;
  /** `connectMs` of the same lines: socket accepted → the channel data received (the switch's reply, here the simulator's). */
  readonly connect: Spread;
  /** The claim script's own execution time inside Redis, for the same pickups. */
  readonly claimInRedis: Spread;
}

/** Calls put into the index per batch of concurrent ringLeg scripts. */
const SEED_BATCH = 1_000;

/**
 * The controller's pickup decision with `indexed` calls ringing in group "sales": the simulator (fast timing: this
 * measures the controller, not the switch) cannot keep 100,000 callers ringing, so `pickups + 1` calls really ring
 * and the rest are put into the same group index by the store's ringLeg script (the one the tracker runs), as calls
 * of the same live node. FSP_CLAIM_STRATEGY=oldest makes every claim take a call that really rings, so every pickup
 * succeeds at its first attempt and each claim still searches the full index. Pickups run one after the other; the
 * first one loads the claim script into Redis (EVALSHA's NOSCRIPT, then EVAL) and is not counted.
 */
export async function measureDecisionLatency(redisUrl: string, indexed: number, pickups: number): Promise<DecisionLatencyResult> {
  const cluster = await startBenchCluster({ redisUrl, nodeCount: 1, timing: 'fast', env: { FSP_CLAIM_STRATEGY: 'oldest' } });
  try {
    const node = cluster.nodes[0] as BenchNode;
    const ringing = Math.min(pickups + 1, indexed);
    for (let placed = 0; placed < ringing; placed += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, ringing - placed) }, () => node.sim.placeCall({ domain: DOMAIN, targets: [RUNG] })));
      for (const { bLegs } of batch) await node.controller.waitForLog((line) => line.msg === 'leg ringing' && line.legUuid === bLegs[0]);
    }
    for (let added = ringing; added < indexed; added += SEED_BATCH) {
      await Promise.all(
        Array.from({ length: Math.min(SEED_BATCH, indexed - added) }, () =>
          cluster.calls.addRingingLeg({ legUuid: randomUUID(), callUuid: randomUUID(), extension: RUNG, domain: DOMAIN, node: node.name, callerNumber: '1', callerName: 'seeded' }),
        ),
      );
    }
    await pickUp(node);
    const timer = await ScriptTimer.start(cluster.redis, 'claimCall');
    const measured = new Set<string>();
    for (let i = 1; i < ringing; i++) measured.add(await pickUp(node));
    const claimInRedis = await timer.stop();
    const claimed = node.controller.logs.filter((line) => line.msg === 'call claimed' && measured.has(String(line.pickerUuid)));
    return { indexed, ringing, decision: spreadOf(claimed.map((line) => msOf(line, 'decisionMs'))), connect: spreadOf(claimed.map((line) => msOf(line, 'connectMs'))), claimInRedis: spreadOf(claimInRedis) };
  } finally {
    await cluster.close();
  }
}

/** User 100 dials 88sales and hangs up once the controller says it picked a call up; resolves with the picker's uuid. */
async function pickUp(node: BenchNode): Promise<string> {
  const picker = await node.sim.dialPickup({ extension: PICKER, domain: DOMAIN, dialled: `88${GROUP}` });
  const outcome = await node.controller.waitForLog((line) => line.pickerUuid === picker && (line.msg === 'call picked up' || String(line.msg).startsWith('pickup failed')));
  if (outcome.msg !== 'call picked up') throw new Error(`bench: a pickup failed: ${JSON.stringify(outcome)}`);
  await node.sim.hangup(picker);
  return picker;
}

function msOf(line: LogLine, field: 'decisionMs' | 'connectMs'): number {
  const value = line[field];
  return typeof value === 'number' ? value : Number.NaN;
}
