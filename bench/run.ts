/**
 * `npm run bench`: prints figures, asserts nothing.
 * 1. Ingest: events/s through the controller's ESL client + tracker + Redis mirroring, next to our client
 *    without Redis and to bare modesl, on the same flood of ~6.4 KB events from the simulator (own process).
 * 2. Pickup decision latency with 10,000 calls ringing: CHANNEL_PARK seen → intercept written, p50/p99.
 */
import { startRedisServer } from '../test/helpers/redis-server.ts';
import { measureIngest } from './ingest.ts';
import { measurePickupLatency } from './pickup-latency.ts';

const events = Number(process.env.BENCH_EVENTS ?? 20_000);
const ringing = Number(process.env.BENCH_RINGING ?? 10_000);
const pickups = Number(process.env.BENCH_PICKUPS ?? 1_000);

const redis = await startRedisServer();
try {
  process.stdout.write(`fs-pickup bench — ${new Date().toISOString()}, node ${process.version}\n\n`);
  process.stdout.write(`ingest: ${events} CHANNEL_PROGRESS events of ~6.4 KB (json), simulator in its own process\n`);
  const ingest = await measureIngest(redis.url, events);
  process.stdout.write(`  controller (ESL client + tracker + Redis mirroring): ${ingest.controllerPerSecond} events/s\n`);
  process.stdout.write(`  our ESL client alone (framing + decoding):           ${ingest.parseOnlyPerSecond} events/s\n`);
  process.stdout.write(`  bare modesl 1.2.1 (its own parser):                  ${ingest.modeslPerSecond} events/s\n`);
  process.stdout.write(`  ratio controller / bare modesl: ${(ingest.controllerPerSecond / ingest.modeslPerSecond).toFixed(2)}\n\n`);

  process.stdout.write(`pickup latency: ${ringing} calls ringing in one group, ${pickups} pickups one after the other\n`);
  const latency = await measurePickupLatency(redis.url, ringing, pickups);
  const ms = (v: number): string => `${v.toFixed(2)} ms`;
  process.stdout.write(`  (placing ${latency.ringingCalls} calls took ${latency.placeCallsSeconds.toFixed(1)} s)\n`);
  process.stdout.write(`  decision (CHANNEL_PARK seen → intercept written): p50 ${ms(latency.decision.p50)}  p99 ${ms(latency.decision.p99)}  max ${ms(latency.decision.max)}\n`);
  process.stdout.write(`  whole pickup on the simulator (dial → picked):   p50 ${ms(latency.endToEnd.p50)}  p99 ${ms(latency.endToEnd.p99)}  max ${ms(latency.endToEnd.max)}\n`);
} finally {
  await redis.stop();
}
