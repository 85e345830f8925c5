/**
 * Issue 12, item 4: 10,000 pickups racing over 4 controllers (2 per node) and 2 simulated nodes, on a single Redis and
 * on a 3-master Redis Cluster — test/e2e/cluster-race.test.ts (400 pickups) scaled up in waves: each wave rings
 * `CALLS` calls of one group and sends twice as many pickers in four quick bursts, half on each node, each node's
 * controller list reversed from burst to burst so that all four controllers race. Every call must be picked exactly
 * once, every request answered (picked, or nothing-to-pick), and nothing left in Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterBed, type ClusterNode, setClusterUsers, startClusterBed } from '../e2e/cluster-harness.ts';
import { freshDomain } from '../e2e/harness.ts';
import { type RedisClusterHandle, startRedisCluster } from '../helpers/redis-cluster.ts';
import { type Figure, measured, recordSection } from './figures.ts';
import { PickupOutcomes } from './pickup-outcomes.ts';
import { percentile, sleep } from './stats.ts';

const PICKUPS = Number(process.env.CHAOS_CONTENTION_PICKUPS ?? 10_000);
/** Calls per wave; each wave sends twice as many pickers, all at once. */
const CALLS = Number(process.env.CHAOS_CONTENTION_WAVE_CALLS ?? 250);
const RINGING_USERS = Array.from({ length: 20 }, (_, i) => String(200 + i));

const figures: Record<string, Figure> = {};
afterAll(() => recordSection('contention at scale', figures));

interface WaveResult {
  readonly ms: number;
  readonly picked: number;
  readonly nothing: number;
  readonly duplicates: number;
  readonly other: string[];
  readonly unanswered: string[];
  readonly answeredTwice: string[];
}

/** Rings `CALLS` calls and waits until the store offers every one of them. */
async function ringCalls(bed: ClusterBed, domain: string): Promise<Array<{ node: ClusterNode; aLeg: string }>> {
  const calls: Array<{ node: ClusterNode; aLeg: string }> = [];
  for (let i = 0; i < CALLS; i += 25) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(25, CALLS - i) }, async (_, j) => {
        const node = bed.nodes[(i + j) % 2] as ClusterNode;
        return { node, aLeg: (await node.sim.placeCall({ domain, targets: [RINGING_USERS[(i + j) % RINGING_USERS.length] as string] })).aLeg };
      }),
    );
    calls.push(...batch);
  }
  for (let waited = 0; (await bed.calls.pickableInGroup(domain, 'sales')).length < CALLS; waited += 50) {
    if (waited > 20_000) throw new Error(`only ${(await bed.calls.pickableInGroup(domain, 'sales')).length} of ${CALLS} calls offered after 20 s`);
    await sleep(50);
  }
  return calls;
}

async function wave(bed: ClusterBed, domain: string, outcomes: PickupOutcomes, orders: Map<ClusterNode, string[]>): Promise<WaveResult> {
  const calls = await ringCalls(bed, domain);
  const startedAt = performance.now();
  // Four bursts of a quarter of the pickers, each node's controller list in one order, then reversed, and again:
  // FreeSWITCH reads the list when the picker's channel runs the socket application, so all four controllers take
  // requests and claim from the same calls; the first two bursts are enough for every call.
  const burst = async (reversed: boolean): Promise<Array<{ node: ClusterNode; uuid: string }>> => {
    for (const node of bed.nodes) {
      const order = orders.get(node) as string[];
      node.sim.setGlobal('fs_pickup_controllers', (reversed ? [...order].reverse() : order).join('|'));
    }
    const seen = new Map(bed.nodes.map((node) => [node, node.sim.commands.length]));
    const dialled = await Promise.all(Array.from({ length: CALLS / 2 }, (_, i) => bed.nodes[i % 2] as ClusterNode).map((node) => node.sim.dialPickup({ extension: '100', domain, dialled: '88sales' }).then((uuid) => ({ node, uuid }))));
    // Until every picker of this burst has connected to a controller (it read the list), before the list changes.
    const waiting = new Set(dialled.map((p) => p.uuid));
    for (const deadline = performance.now() + 10_000; waiting.size > 0 && performance.now() < deadline; await sleep(5)) {
      for (const node of bed.nodes) {
        for (const command of node.sim.commands.slice(seen.get(node))) if (command.session) waiting.delete(command.session);
        seen.set(node, node.sim.commands.length);
      }
    }
    return dialled;
  };
  const pickers: Array<{ node: ClusterNode; uuid: string }> = [];
  for (const reversed of [false, true, false, true]) pickers.push(...(await burst(reversed)));
  const unanswered = await outcomes.waitFor(pickers.map((p) => p.uuid), 60_000);
  const ms = performance.now() - startedAt;
  const finals = pickers.map((p) => outcomes.of(p.uuid));
  const picked = finals.flatMap((f) => f.filter((o) => o.picked).map((o) => o.callUuid));
  const result: WaveResult = {
    ms,
    picked: picked.length,
    nothing: finals.filter((f) => f[0]?.failure === 'nothing-to-pick' && f[0]?.cause === 'NO_ROUTE_DESTINATION').length,
    duplicates: picked.length - new Set(picked).size,
    other: finals.flatMap((f) => (f[0] && !f[0].picked && f[0].failure !== 'nothing-to-pick' ? [`${f[0].msg} ${f[0].failure} ${f[0].cause}`] : [])).slice(0, 5),
    unanswered,
    answeredTwice: pickers.filter((_, i) => (finals[i]?.length ?? 0) > 1).map((p) => p.uuid),
  };
  // Pickers and callers hang up; the next wave starts from an empty group.
  for (const { node, uuid } of pickers) await node.sim.hangup(uuid).catch(() => undefined);
  for (const { node, aLeg } of calls) await node.sim.hangup(aLeg).catch(() => undefined);
  return result;
}

describe.each(['a single Redis', 'a 3-master Redis Cluster'])('contention on %s: %i pickups over 4 controllers and 2 nodes (issue 12, item 4)', (topology) => {
  let bed: ClusterBed;
  let redisCluster: RedisClusterHandle | undefined;
  const outcomes = new PickupOutcomes();

  beforeAll(async () => {
    if (topology !== 'a single Redis') redisCluster = await startRedisCluster();
    bed = await startClusterBed({ nodeCount: 2, controllersPerNode: 2, env: { FSP_LOG_LEVEL: 'info' }, ...(redisCluster ? { redisCluster: redisCluster.nodes } : {}) });
    for (const controller of bed.controllers()) outcomes.watch(controller);
  }, 120_000);

  afterAll(async () => {
    await bed?.close();
    await redisCluster?.stop();
  });

  it('picks every call exactly once, answers every request once, leaves no key behind', async () => {
    const domain = freshDomain();
    const users: Record<string, { callGroups?: string[]; pickupGroups?: string[] }> = { '100': { pickupGroups: ['sales'] } };
    for (const user of RINGING_USERS) users[user] = { callGroups: ['sales'] };
    await setClusterUsers(bed, domain, users);
    await sleep(500);
    const orders = new Map(await Promise.all(bed.nodes.map(async (node) => [node, await Promise.all(node.controllers.map((c) => c.socketAddress()))] as const)));
    const waves: WaveResult[] = [];
    const startedAt = performance.now();
    for (let done = 0; done < PICKUPS; done += 2 * CALLS) waves.push(await wave(bed, domain, outcomes, orders));
    const seconds = (performance.now() - startedAt) / 1000;
    const sum = (pick: (w: WaveResult) => number): number => waves.reduce((total, w) => total + pick(w), 0);
    const perController = bed.controllers().map((c) => c.logs.filter((l) => typeof l.pickerUuid === 'string' && String(l.msg).startsWith('call picked up')).length);
    Object.assign(figures, {
      [`${topology}: pickups`]: measured(sum(() => 2 * CALLS), 'pickups', `${waves.length} waves of ${2 * CALLS} pickers on ${CALLS} calls`),
      [`${topology}: picked / nothing to pick`]: measured(sum((w) => w.picked), 'calls', `${sum((w) => w.nothing)} nothing-to-pick; picks per controller ${perController.join(' / ')}`),
      [`${topology}: double pickups`]: { value: sum((w) => w.duplicates), unit: 'calls', bar: '0', met: sum((w) => w.duplicates) === 0 },
      [`${topology}: unanswered requests`]: { value: sum((w) => w.unanswered.length), unit: 'requests', bar: '0', met: sum((w) => w.unanswered.length) === 0 },
      [`${topology}: wave (all pickers answered) p50 / max`]: measured(Math.round(percentile(waves.map((w) => w.ms), 50) ?? 0), 'ms', `max ${Math.round(Math.max(...waves.map((w) => w.ms)))} ms`),
      [`${topology}: whole run`]: measured(Math.round(seconds), 's', `${Math.round(sum(() => 2 * CALLS) / seconds)} pickups/s including ringing the calls`),
    });
    // All four controllers raced: each picked calls.
    expect(perController.every((picks) => picks > 0), `picks per controller ${perController.join(' / ')}`).toBe(true);
    for (const [i, w] of waves.entries()) {
      expect({ wave: i, duplicates: w.duplicates, unanswered: w.unanswered.slice(0, 5), answeredTwice: w.answeredTwice.slice(0, 5), other: w.other }).toEqual({ wave: i, duplicates: 0, unanswered: [], answeredTwice: [], other: [] });
      expect({ wave: i, picked: w.picked, nothing: w.nothing }).toEqual({ wave: i, picked: CALLS, nothing: CALLS });
    }
    await expect.poll(() => bed.keysWithoutTtl(), { timeout: 15_000 }).toEqual([]);
    expect(await bed.calls.pickableInGroup(domain, 'sales')).toEqual([]);
    figures[`${topology}: keys without TTL after`] = { value: (await bed.keysWithoutTtl()).length, unit: 'keys', bar: '0', met: true };
  }, 600_000);
});
