/**
 * `npm run bench`: prints figures, asserts nothing.
 * 1. Ingest: events/s through the controller's ESL client + tracker + Redis mirroring, next to our client
 *    without Redis and to bare modesl, on the same flood of ~6.4 KB events from the simulator (own process).
 * 2. Pickup decision latency with 10,000 calls ringing: CHANNEL_PARK seen → intercept written, p50/p99;
 *    the same across nodes (CHANNEL_PARK seen → hand-off bridge written).
 * 3. Claims per second with 8 concurrent claimers, single Redis vs a local 3-master Redis Cluster.
 */
import { createRedis } from '../src/store/redis-connection.ts';
import { startRedisCluster } from '../test/helpers/redis-cluster.ts';
import { startRedisServer } from '../test/helpers/redis-server.ts';
import { measureClaimThroughput } from './claim-throughput.ts';
import { measureIngest } from './ingest.ts';
import { type LatencyResult, measurePickupLatency } from './pickup-latency.ts';

const events = Number(process.env.BENCH_EVENTS ?? 20_000);
const ringing = Number(process.env.BENCH_RINGING ?? 10_000);
const pickups = Number(process.env.BENCH_PICKUPS ?? 300);
const claimCalls = Number(process.env.BENCH_CLAIMS ?? 20_000);

const redis = await startRedisServer();
try {
  process.stdout.write(`fs-pickup bench — ${new Date().toISOString()}, node ${process.version}\n\n`);
  process.stdout.write(`ingest: ${events} CHANNEL_PROGRESS events (json, 6 KB: the ringing-leg event of capture 14, each a new call), simulator in its own process\n`);
  const ingest = await measureIngest(redis.url, events);
  process.stdout.write(`  controller (ESL client + tracker + Redis mirroring): ${ingest.controllerPerSecond} events/s\n`);
  process.stdout.write(`  our ESL client alone (framing + decoding):           ${ingest.parseOnlyPerSecond} events/s\n`);
  process.stdout.write(`  bare modesl 1.2.1 (its own parser):                  ${ingest.modeslPerSecond} events/s\n`);
  process.stdout.write(`  ratio controller / bare modesl: ${(ingest.controllerPerSecond / ingest.modeslPerSecond).toFixed(2)}\n\n`);

  const ms = (v: number): string => `${v.toFixed(2)} ms`;
  const report = (title: string, result: LatencyResult): void => {
    process.stdout.write(`${title}: ${result.ringingCalls} calls in one group (${result.realCalls} ringing on the simulator, the rest put in by the ringLeg script), ${result.pickups} pickups one after the other\n`);
    process.stdout.write(`  decision (CHANNEL_PARK seen → intercept/hand-off written): p50 ${ms(result.decision.p50)}  p99 ${ms(result.decision.p99)}  max ${ms(result.decision.max)}\n`);
    process.stdout.write(`  whole pickup on the simulator (dial → picked):            p50 ${ms(result.endToEnd.p50)}  p99 ${ms(result.endToEnd.p99)}  max ${ms(result.endToEnd.max)}\n\n`);
  };
  report('same-node pickup', await measurePickupLatency(redis.url, ringing, pickups));
  report('cross-node pickup', await measurePickupLatency(redis.url, ringing, pickups, true));

  process.stdout.write(`claim throughput: ${claimCalls} ringing calls in one group, 8 concurrent claimers until all are claimed\n`);
  const single = await measureClaimThroughput(async () => connected(createRedis({ kind: 'single', url: redis.url })), claimCalls, 8);
  process.stdout.write(`  single Redis:              ${single} claims/s\n`);
  const cluster = await startRedisCluster();
  try {
    const clustered = await measureClaimThroughput(async () => connected(createRedis({ kind: 'cluster', nodes: cluster.nodes, password: undefined })), claimCalls, 8);
    process.stdout.write(`  3-master Redis Cluster:    ${clustered} claims/s (one domain = one slot: a single master serves it)\n`);
  } finally {
    await cluster.stop();
  }
} finally {
  await redis.stop();
}

async function connected<T extends { connect(): Promise<unknown> }>(connection: T): Promise<T> {
  await connection.connect();
  return connection;
}
