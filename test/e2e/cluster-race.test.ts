import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisClusterHandle, startRedisCluster } from '../helpers/redis-cluster.ts';
import { freshDomain, PICKUP_OUTCOMES } from './harness.ts';
import { type ClusterBed, dialOn, pickupOutcome, setClusterUsers, startClusterBed, untilRinging } from './cluster-harness.ts';

describe.each(['a single Redis', 'a 3-master Redis Cluster'])('race against %s: 200 calls on two nodes, 400 pickups at once through two controllers per node', (topology) => {
  let bed: ClusterBed;
  let redisCluster: RedisClusterHandle | undefined;

  beforeAll(async () => {
    if (topology !== 'a single Redis') redisCluster = await startRedisCluster();
    bed = await startClusterBed({ nodeCount: 2, controllersPerNode: 2, ...(redisCluster ? { redisCluster: redisCluster.nodes } : {}) });
  }, 60_000);

  afterAll(async () => {
    await bed?.close();
    await redisCluster?.stop();
  });

  it('picks every call at most once, answers every request, and leaves no key behind', async () => {
    const domain = freshDomain();
    const users: Record<string, { callGroups?: string[]; pickupGroups?: string[] }> = { '100': { pickupGroups: ['sales'] } };
    for (let i = 0; i < 20; i++) users[String(200 + i)] = { callGroups: ['sales'] };
    await setClusterUsers(bed, domain, users);
    const calls = [];
    for (let i = 0; i < 200; i++) {
      const node = bed.nodes[i % 2];
      if (!node) throw new Error('node');
      calls.push(await node.sim.placeCall({ domain, targets: [String(200 + (i % 20))] }));
    }
    await untilRinging(bed, calls.flatMap((c) => c.bLegs));
    expect((await bed.calls.pickableInGroup(domain, 'sales')).length).toBe(200);

    const pickers = await Promise.all(Array.from({ length: 400 }, (_, i) => dialOn(bed.nodes[i % 2] as NonNullable<ClusterBed['nodes'][0]>, domain, '100', '88sales')));
    const outcomes = await Promise.all(pickers.map((picker) => pickupOutcome(bed, picker, 60_000)));
    const isPicked = (o: { msg: string }): boolean => o.msg === 'call picked up' || o.msg === 'call picked up on the call’s node';
    const picked = outcomes.filter(isPicked).map((o) => o.callUuid);
    const failed = outcomes.filter((o) => !isPicked(o));
    expect(new Set(picked).size).toBe(picked.length); // never the same call twice
    expect(picked.length + failed.length).toBe(400); // every request answered
    expect(failed.every((o) => o.failure === 'nothing-to-pick')).toBe(true);
    expect(picked.length).toBe(200);
    // Each request was answered by exactly one controller (FreeSWITCH connects a request to one).
    for (const picker of pickers) {
      const answering = bed.controllers().filter((c) => c.logs.some((l) => l.pickerUuid === picker && PICKUP_OUTCOMES.has(String(l.msg))));
      expect(answering).toHaveLength(1);
    }

    for (const [i, picker] of pickers.entries()) await bed.nodes[i % 2]?.sim.hangup(picker).catch(() => undefined);
    for (const [i, call] of calls.entries()) await bed.nodes[i % 2]?.sim.hangup(call.aLeg).catch(() => undefined);
    await expect.poll(() => bed.keysWithoutTtl(), { timeout: 10_000 }).toEqual([]);
    expect(await bed.calls.pickableInGroup(domain, 'sales')).toEqual([]);
  }, 120_000);
});
