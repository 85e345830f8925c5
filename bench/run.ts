/**
 * `npm run bench`: prints figures, asserts nothing. Sizes come from BENCH_* variables (defaults below).
 * 1. Predicted dial-to-bridge (simulator timing 'real'): FreeSWITCH's own intercept, fs-pickup on the same node
 *    and across nodes, side by side (dial-to-bridge.ts).
 * 2. The controller's pickup decision with 10,000 and 100,000 calls ringing in the group (decision-latency.ts).
 * 3. Ingest: events/s of the controller's path, our ESL client and bare modesl on a stream of whole captured
 *    calls (ingest.ts, call-stream.ts).
 * 4. Claims per second, single Redis vs a 3-master Redis Cluster (claim-throughput.ts).
 */
import { createRedis } from '../src/store/redis-connection.ts';
import { startRedisCluster } from '../test/helpers/redis-cluster.ts';
import { startRedisServer } from '../test/helpers/redis-server.ts';
import { CallStream } from './call-stream.ts';
import { measureClaimThroughput } from './claim-throughput.ts';
import { measureDecisionLatency, type DecisionLatencyResult } from './decision-latency.ts';
import { type Flow, measureDialToBridge } from './dial-to-bridge.ts';
import { measureIngest } from './ingest.ts';
import { ms, type Spread } from './stats.ts';

const size = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const dialRuns = size('BENCH_RUNS', 60);
const ringing = size('BENCH_RINGING', 10_000);
const ringingLarge = size('BENCH_RINGING_LARGE', 100_000);
const pickups = size('BENCH_PICKUPS', 1_000);
const events = size('BENCH_EVENTS', 20_000);
const ingestRounds = size('BENCH_INGEST_ROUNDS', 5);
const claimCalls = size('BENCH_CLAIMS', 20_000);

/** What real FreeSWITCH measured in the capture lab (picker's INVITE → the caller's CHANNEL_BRIDGE, medians). */
const REAL_SWITCH = { nativeMs: 71, parkPathSameNodeMs: '134–152', parkPathCrossNodeMs: 233 } as const;

const print = (line = ''): void => void process.stdout.write(`${line}\n`);
const ratio = (a: number, b: number): string => (a / b).toFixed(3);

const redis = await startRedisServer();
try {
  print(`fs-pickup bench — ${new Date().toISOString()}, node ${process.version}`);
  print();

  print(`1. Predicted dial-to-bridge: picker's INVITE → CHANNEL_BRIDGE of the caller's A leg (simulator timing 'real',`);
  print(`   FreeSWITCH's measured delays; controllers in their own processes), ${dialRuns} runs per flow, alternating`);
  const dial = await measureDialToBridge(redis.url, dialRuns);
  print(`   ${''.padEnd(51)} ${'dial-to-bridge'.padEnd(24)} caller answered by the intercept`);
  print(`   ${''.padEnd(51)} ${'median'.padEnd(10)}  ${'p90'.padEnd(10)}  median`);
  const row = (label: string, flow: Flow): void =>
    print(`   ${label.padEnd(51)} ${ms(dial.dialToBridge[flow].p50).padEnd(10)}  ${ms(dial.dialToBridge[flow].p90).padEnd(10)}  ${ms(dial.callerAnswered[flow].p50)}`);
  row(`FreeSWITCH's own dialplan intercept (89200)`, 'native');
  row('fs-pickup, same node (88sales)', 'same-node');
  row('fs-pickup, cross-node (picker node 1, call node 2)', 'cross-node');
  print(`   ratio same-node fs-pickup / native:  ${ratio(dial.dialToBridge['same-node'].p50, dial.dialToBridge.native.p50)} (medians; target ≤ 1.05)`);
  print(`   ratio cross-node fs-pickup / native: ${ratio(dial.dialToBridge['cross-node'].p50, dial.dialToBridge.native.p50)} (medians; target ≤ 1.15)`);
  print(`   the controller's decision in these runs (channel data received → intercept / hand-off written):`);
  print(`     same node median ${ms(dial.decision['same-node'].p50)}  p90 ${ms(dial.decision['same-node'].p90)};  cross-node median ${ms(dial.decision['cross-node'].p50)}  p90 ${ms(dial.decision['cross-node'].p90)}`);
  print(`   Real FreeSWITCH, measured in the capture lab (not on this machine): its own dialplan intercept ${REAL_SWITCH.nativeMs} ms;`);
  print(`   the old park-based fs-pickup path ${REAL_SWITCH.parkPathSameNodeMs} ms on the same node, ${REAL_SWITCH.parkPathCrossNodeMs} ms cross-node.`);
  print();

  print(`2. Pickup decision latency (decisionMs: the request — the picker's channel data — received → intercept written),`);
  print(`   simulator timing 'fast',`);
  print(`   controller in its own process, FSP_CLAIM_STRATEGY=oldest, pickups one after the other`);
  const decisionRow = (result: DecisionLatencyResult): void => {
    const spread = (s: Spread): string => `p50 ${ms(s.p50)}  p99 ${ms(s.p99)}  max ${ms(s.max)}`;
    print(`   ${String(result.indexed).padStart(7)} calls in the group (${result.ringing} ringing on the simulator, the rest put in by the ringLeg script), ${result.decision.count} pickups:`);
    print(`     decision:                                ${spread(result.decision)}`);
    print(`     of which the claim script inside Redis:  ${spread(result.claimInRedis)}`);
    print(`     before it, the switch's connect reply:   ${spread(result.connect)} (socket accepted → channel data; the simulator's share)`);
  };
  const small = await measureDecisionLatency(redis.url, ringing, pickups);
  decisionRow(small);
  const large = await measureDecisionLatency(redis.url, ringingLarge, pickups);
  decisionRow(large);
  print(`   p99 ratio ${large.indexed} / ${small.indexed}: ${ratio(large.decision.p99, small.decision.p99)} (targets: p99 ≤ 3 ms at 10,000, ratio ≤ 1.5)`);
  print();

  const shape = new CallStream(0).shape();
  const perRound = shape.calls.reduce((sum, call) => sum + call.events, 0);
  const bytesPerRound = shape.calls.reduce((sum, call) => sum + call.bytes, 0);
  print(`3. Ingest: a stream of whole calls as FreeSWITCH sent them (json), replayed with fresh uuids and Event-Sequence`);
  print(`   calls, round-robin (events the controller subscribes to; of them mirrored into Redis; json bytes):`);
  for (const call of shape.calls) print(`     ${call.capture.padEnd(52)} ${String(call.events).padStart(2)} events, ${call.mirrored} mirrored, ${(call.bytes / 1024).toFixed(1)} KB`);
  print(`   per round of ${shape.calls.length} calls: ${[...shape.names].map(([name, count]) => `${count} ${name}`).join(', ')}`);
  print(`   (${perRound} events, ${(bytesPerRound / perRound / 1024).toFixed(2)} KB each on average); simulator in its own process`);
  const ingest = await measureIngest(redis.url, events, ingestRounds);
  print(`   ${ingest.events} events (${(ingest.bytes / 1024 / 1024).toFixed(1)} MB) per flood, median of ${ingest.rounds} rounds per client:`);
  print(`     controller (ESL client + channel facts + tracker mirroring into Redis): ${ingest.perSecond.controller} events/s`);
  print(`     our ESL client alone (framing + decoding):                             ${ingest.perSecond['esl-client']} events/s`);
  print(`     bare modesl 1.2.1 (its own parser):                                    ${ingest.perSecond.modesl} events/s`);
  print(`   ratio controller / bare modesl: ${ratio(ingest.perSecond.controller, ingest.perSecond.modesl)} (target ≥ 0.80)`);
  print();

  print(`4. Claim throughput: ${claimCalls} ringing calls in one group, 8 concurrent claimers until all are claimed`);
  const single = await measureClaimThroughput(async () => connected(createRedis({ kind: 'single', url: redis.url })), claimCalls, 8);
  print(`   single Redis:              ${single} claims/s`);
  const cluster = await startRedisCluster();
  try {
    const clustered = await measureClaimThroughput(async () => connected(createRedis({ kind: 'cluster', nodes: cluster.nodes, password: undefined })), claimCalls, 8);
    print(`   3-master Redis Cluster:    ${clustered} claims/s (one domain = one slot: a single master serves it)`);
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
