/**
 * Issue 12, item 2: the ESL layer under a seeded stream of mutated frames (truncated, wrong or unreadable
 * Content-Length, binary, huge headers, broken `%` escapes, bad JSON bodies, replies nobody asked for). A million
 * frames go through the simulator's socket to the controller's EslClient in two lanes (processes of their own, one
 * per core); then the controller process itself gets a burst and must reset, come back and pick up.
 * Replay one run with CHAOS_SEED=<seed printed at the start>.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EslProtocolError } from '../../src/esl/errors.ts';
import { FrameParser, MAX_FRAME_BODY_BYTES } from '../../src/esl/frame-parser.ts';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from '../e2e/harness.ts';
import { memoryOf, readiness } from './controller-metrics.ts';
import { atMost, type Figure, measured, recordSection } from './figures.ts';
import { buildCorpus } from './fuzz/corpus.ts';
import { Mutator } from './fuzz/mutator.ts';
import type { FuzzOptions, FuzzReport } from './fuzz/socket-fuzzer.ts';
import { Random, scenarioSeed } from './seeded.ts';

const seed = scenarioSeed(inject('chaosSeed'), 'esl-fuzz');
const LANES = 2;
const FRAMES = Number(process.env.CHAOS_FUZZ_FRAMES ?? 1_000_000);
/**
 * Growth of heap + array buffers a lane may show: the parser buffers at most one announced body (≤ 256 MiB) and
 * makes one joined copy of it; the rest is the lane's own. Observed: 250–420 MB.
 */
const LANE_MEMORY_BOUND_BYTES = 3 * MAX_FRAME_BODY_BYTES;

const figures: Record<string, Figure> = {};
let lanes: Array<{ seed: number; report: FuzzReport }> = [];
let fuzzSeconds = 0;

/** Runs one lane in its own process (its own simulator, mutator and client). */
function runLane(options: FuzzOptions): Promise<FuzzReport> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./fuzz/fuzz-lane.ts', import.meta.url)), [JSON.stringify(options)], { execArgv: ['--import', 'tsx'] });
    child.once('message', (message: { report?: FuzzReport; error?: string }) => (message.report ? resolve(message.report) : reject(new Error(`fuzz lane (seed ${options.seed}): ${message.error}`))));
    child.once('exit', (code, signal) => reject(new Error(`fuzz lane (seed ${options.seed}) exited (${code ?? signal}) without a report: a crash`)));
  });
}

beforeAll(async () => {
  console.log(`esl fuzz: seed ${seed} (run seed ${inject('chaosSeed')}), ${FRAMES} frames in ${LANES} lanes`);
  const startedAt = performance.now();
  const seeds = Array.from({ length: LANES }, (_, i) => scenarioSeed(seed, `lane-${i}`));
  const reports = await Promise.all(seeds.map((laneSeed) => runLane({ seed: laneSeed, frames: Math.ceil(FRAMES / LANES), batchFrames: 256, budgetMs: 240_000 })));
  fuzzSeconds = (performance.now() - startedAt) / 1000;
  lanes = reports.map((report, i) => ({ seed: seeds[i] as number, report }));
}, 300_000);

afterAll(() => recordSection('esl fuzz', figures));

describe('ESL layer fuzz (issue 12, item 2)', () => {
  it('a million mutated frames through the simulator’s socket to the EslClient: no crash, bounded memory, every reset re-established, healthy after', () => {
    const total = (pick: (report: FuzzReport) => number): number => lanes.reduce((sum, lane) => sum + pick(lane.report), 0);
    const framesRead = total((r) => r.framesRead);
    const growth = Math.max(...lanes.map(({ report }) => report.memoryPeakBytes - report.memoryBaselineBytes));
    Object.assign(figures, {
      'frames read by the client': measured(framesRead, 'frames', `${LANES} lanes, ${(total((r) => r.bytesRead) / 1e9).toFixed(2)} GB`),
      'frames per second': measured(Math.round(framesRead / fuzzSeconds), 'frames/s', 'all lanes together, wall clock'),
      'connection resets (protocol errors)': measured(total((r) => r.resets), 'resets'),
      'reconnects': measured(total((r) => r.reconnects), 'reconnects'),
      'frames dropped one by one': measured(total((r) => r.framesDropped), 'frames'),
      'stalls on an announced long body': measured(total((r) => r.stalls), 'batches', `${(total((r) => r.fillerBytes) / 1e6).toFixed(0)} MB of filler sent`),
      'framing lost without a reset': atMost(total((r) => r.deafEpisodes), 0, 'connections', 'the fuzzer reset them from the switch side; see the framing-loss test'),
      'peak memory growth of a lane': measured(Math.round(growth / 1e6), 'MB', 'heapUsed + arrayBuffers'),
    });
    for (const { seed: laneSeed, report } of lanes) {
      const lane = `lane seed ${laneSeed}`;
      expect(report.framesRead, lane).toBeGreaterThanOrEqual(Math.ceil(FRAMES / LANES));
      expect(report.listenerFailures, lane).toBe(0);
      expect(report.memoryPeakBytes - report.memoryBaselineBytes, lane).toBeLessThan(LANE_MEMORY_BOUND_BYTES);
      // Every connection lost (reset by the client, or by the fuzzer) came back.
      expect(report.reconnects, lane).toBeGreaterThanOrEqual(report.resets);
      expect(report.healthyAfter, lane).toBe(true);
    }
    expect(framesRead).toBeGreaterThanOrEqual(FRAMES);
  });

  it('an outer header block that never ends is refused before it is buffered without bound', () => {
    const parser = new FrameParser();
    const chunk = Buffer.alloc(64 * 1024, 'A');
    // 16 MiB is 500 times the largest header block FreeSWITCH writes (a channel's data, ~30 KB); bodies have their bound.
    const bound = 16 * 1024 * 1024;
    let buffered = 0;
    let refused = false;
    for (let fed = 0; fed < 2 * bound && buffered <= bound; fed += chunk.length) {
      try {
        parser.push(chunk);
      } catch (error) {
        expect(error).toBeInstanceOf(EslProtocolError);
        refused = true;
        break;
      }
      buffered = parser.bufferedBytes;
    }
    expect({ refused, bufferedBytes: buffered }).toMatchObject({ refused: true });
    expect(buffered).toBeLessThanOrEqual(bound);
  });

  it('a body announced beyond the bound is refused at once', () => {
    expect(() => new FrameParser().push(Buffer.from(`Content-Length: ${MAX_FRAME_BODY_BYTES + 1}\nContent-Type: api/response\n\n`))).toThrow(EslProtocolError);
  });
});

/** Resolves once the controller has logged nothing for `quietMs`. */
async function untilQuiet(controller: PickupBed['controller'], quietMs: number): Promise<void> {
  for (let seen = -1; seen !== controller.logs.length; ) {
    seen = controller.logs.length;
    await new Promise((resolve) => setTimeout(resolve, quietMs));
  }
}

describe('the controller process under mutated frames', () => {
  let bed: PickupBed;
  let domain: string;

  beforeAll(async () => {
    bed = await startPickupBed({ env: { FSP_LOG_LEVEL: 'info' } });
    domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] } });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('a burst of mutated frames ending in an unreadable Content-Length: the connection is reset and re-established, and a pickup works after', async () => {
    const mutator = new Mutator(buildCorpus(1_000), new Random(scenarioSeed(seed, 'controller-burst')), { keepFraming: true });
    const before = await memoryOf(bed.controller);
    const burst = 20_000;
    for (let sent = 0; sent < burst; sent += 500) {
      bed.sim.sendRawToClients(Buffer.concat(Array.from({ length: 500 }, () => mutator.next().bytes)));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // A mutation that drops a frame's Content-Type already resets the connection (framing lost): let the controller
    // come back from whatever the burst did, so that the fatal frame meets a connected client.
    await untilQuiet(bed.controller, 500);
    const reset = bed.controller.nextLog((line) => line.msg === 'unparseable data from FreeSWITCH; resetting the connection', 15_000);
    const resynced = bed.controller.nextLog((line) => line.msg === 'resynced ringing calls with the switch', 15_000);
    const fatalAt = performance.now();
    bed.sim.sendRawToClients('Content-Length: 12abc\nContent-Type: text/event-json\n\n{}');
    await reset;
    await resynced;
    const recoveredMs = performance.now() - fatalAt;
    expect(await readiness(bed.controller)).toBe(200);
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await bed.sim.hangup(picker);
    const after = await memoryOf(bed.controller);
    Object.assign(figures, {
      'controller: burst frames': measured(burst, 'frames', 'mutations that keep each frame’s bounds, then one unreadable Content-Length'),
      'controller: reset → resynced': measured(Math.round(recoveredMs), 'ms'),
      'controller: RSS before / after the burst': measured(Math.round(after.rss / 1e6), 'MB', `before ${Math.round(before.rss / 1e6)} MB`),
    });
  });

  it('a frame one byte longer than its Content-Length: the controller notices the lost framing, resets, and still sees the calls that ring after it', async () => {
    const heartbeat = '{"Event-Name":"HEARTBEAT","Event-Info":"System Ready"}';
    const reset = bed.controller.nextLog((line) => line.msg === 'unparseable data from FreeSWITCH; resetting the connection');
    // Its body swallows the first byte of the next frame ("C" of "Content-Length"), as any mis-framing would.
    bed.sim.sendRawToClients(`Content-Length: ${heartbeat.length + 1}\nContent-Type: text/event-json\n\n${heartbeat}`);
    const call = await bed.sim.placeCall({ domain, targets: ['200'] });
    expect((await reset).err).toMatchObject({ message: 'a text/event-json frame without Content-Length: framing lost' });
    // Rung while the controller reconnected: the resync finds it.
    await expect.poll(() => bed.calls.pickableInGroup(domain, 'sales'), { timeout: 5_000 }).toEqual([call.aLeg]);
    await bed.sim.hangup(call.aLeg);
  });
});
