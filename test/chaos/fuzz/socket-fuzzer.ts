/**
 * Drives the controller's ESL client (in this process, for speed) through the simulator's event socket with a seeded
 * stream of mutated frames. Frames go out in batches, each followed by a sentinel event; a batch counts as read once
 * the client dispatched its sentinel, or — for a batch that ends with a fatal frame — once the client reset the
 * connection. Whatever a mutation leaves the parser waiting for (a body announced too long) is fed with filler.
 */
import { pino } from 'pino';
import { channelFactOf, CONTROLLER_EVENTS } from '../../../src/esl/channel-facts.ts';
import { EslClient } from '../../../src/esl/client.ts';
import { FreeSwitchSimulator } from '../../simulator/index.ts';
import { eventFrame } from '../../simulator/wire.ts';
import { Random } from '../seeded.ts';
import { buildCorpus } from './corpus.ts';
import { Mutator } from './mutator.ts';

export interface FuzzOptions {
  readonly seed: number;
  /** Stop once this many mutated frames were read by the client. */
  readonly frames: number;
  /** Frames per batch (a batch also ends at its first fatal frame). */
  readonly batchFrames: number;
  /** Give up (and report) after this long. */
  readonly budgetMs: number;
}

export interface FuzzReport {
  /** Mutated frames the client read (batches confirmed by their sentinel or ended by the expected reset). */
  readonly framesRead: number;
  readonly bytesRead: number;
  readonly seconds: number;
  /** Connections the client reset (protocol errors) and connections it re-established. */
  readonly resets: number;
  readonly reconnects: number;
  /** Resets with no fatal frame in the batch (a mutation made another Content-Length unreadable). */
  readonly resetsWithoutFatalFrame: number;
  /** Fatal frames the client did not reset on: swallowed as the body of a frame before them. */
  readonly fatalFramesSwallowed: number;
  /** Batches that left the client waiting for a body, and the filler bytes sent to complete it. */
  readonly stalls: number;
  readonly fillerBytes: number;
  /**
   * Times the client kept its connection while dropping every frame after a mis-framed one (its framing lost, not
   * noticed): the fuzzer had to reset it from the switch's side. The first one, with the batch's mutations.
   */
  readonly deafEpisodes: number;
  readonly firstDeafBatch: { readonly batch: number; readonly mutations: readonly string[] } | undefined;
  /** Frames dropped one by one (bad event bodies), and listener failures (must stay 0). */
  readonly framesDropped: number;
  readonly listenerFailures: number;
  readonly mutations: Readonly<Record<string, number>>;
  /** heapUsed + arrayBuffers of this process: before, and its peak during the run. */
  readonly memoryBaselineBytes: number;
  readonly memoryPeakBytes: number;
  /** After the run: the client is connected and a real call's ringing leg comes through as a fact. */
  readonly healthyAfter: boolean;
}

/** The sentinel closing batch `n`: a heartbeat the client dispatches only if it read everything before it. */
function sentinel(n: number): Buffer {
  return eventFrame('json', `{"Event-Name":"HEARTBEAT","Event-Info":"System Ready","Fuzz-Batch":"${n}"}`);
}

/** How long the client must have done nothing for a batch to count as not read (yet). */
const QUIET_MS = 10;

/** Wakes whoever waits on the client's progress. */
class Progress {
  private waiters: Array<() => void> = [];
  count = 0;

  notify(): void {
    this.count++;
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Resolves on the next notice or after `ms`. */
  next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

export async function fuzzEslClient(options: FuzzOptions): Promise<FuzzReport> {
  const sim = new FreeSwitchSimulator({ heartbeatIntervalMs: 3_600_000 });
  const port = await sim.listen(0);
  const logged = new Map<string, number>();
  const progress = new Progress();
  // The client's own log is how it tells a reset from a dropped frame; counted, not printed.
  const logger = pino({ level: 'debug' }, {
    write(line: string) {
      const msg = /"msg":"([^"]*)"/.exec(line)?.[1] ?? '?';
      if (process.env.FUZZ_DEBUG && (msg.startsWith('lost') || msg.startsWith('reconnecting'))) console.log(line.slice(0, 300));
      logged.set(msg, (logged.get(msg) ?? 0) + 1);
      progress.notify();
    },
  });
  const esl = new EslClient({ host: '127.0.0.1', port, password: 'ClueCon', events: CONTROLLER_EVENTS, logger, reconnectInitialDelayMs: 1, reconnectMaxDelayMs: 4 });
  let readies = 0;
  let disconnects = 0;
  let sentinelSeen = 0;
  let ringingFactSeen: string | undefined;
  esl.onEvent((event) => {
    // What the controller does with every event first: map it to a channel fact.
    const fact = channelFactOf(event);
    if (fact?.kind === 'leg-ringing' && fact.domain === 'fuzz-after.test') ringingFactSeen = fact.legUuid;
    const batch = event.name === 'HEARTBEAT' ? Number(event.headers['Fuzz-Batch']) : NaN;
    if (batch > sentinelSeen) sentinelSeen = batch;
    progress.notify();
  });
  esl.onReady(() => {
    readies++;
    progress.notify();
  });
  esl.onDisconnected(() => {
    disconnects++;
    progress.notify();
  });

  const corpus = buildCorpus(4_000);
  const mutator = new Mutator(corpus, new Random(options.seed));
  const mutations: Record<string, number> = {};
  const memory = { baseline: 0, peak: 0 };
  const sampleMemory = (): number => {
    const usage = process.memoryUsage();
    memory.peak = Math.max(memory.peak, usage.heapUsed + usage.arrayBuffers);
    return usage.heapUsed + usage.arrayBuffers;
  };
  const sampler = setInterval(sampleMemory, 200);
  let framesRead = 0;
  let bytesRead = 0;
  let resetsWithoutFatalFrame = 0;
  let fatalFramesSwallowed = 0;
  let stalls = 0;
  let fillerBytes = 0;
  const deafEpisodes: Array<{ batch: number; mutations: string[] }> = [];
  const dropped = (): number => logged.get('dropped an unusable frame from FreeSWITCH') ?? 0;

  /** Whether the batch was read (its sentinel) or the connection reset, once the client has gone quiet. */
  const settled = async (batch: number, epoch: number): Promise<boolean> => {
    for (;;) {
      if (sentinelSeen >= batch || disconnects !== epoch) return true;
      const before = progress.count;
      await progress.next(QUIET_MS);
      if (progress.count === before && sentinelSeen < batch && disconnects === epoch) return false;
    }
  };

  const untilReady = async (): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while (!esl.isReady) {
      if (Date.now() > deadline) throw new Error('the ESL client did not re-establish its connection within 10 s');
      await progress.next(50);
    }
  };

  esl.start();
  const startedAt = performance.now();
  try {
    await untilReady();
    memory.baseline = sampleMemory();
    memory.peak = memory.baseline;
    for (let batch = 1; framesRead < options.frames; batch++) {
      if (performance.now() - startedAt > options.budgetMs) break;
      await untilReady();
      const parts: Buffer[] = [];
      const batchMutations: string[] = [];
      let fatal = false;
      // A batch ends at its first frame that breaks the framing (or is fatal): one lost framing per batch at most.
      let framingBroken = false;
      while (parts.length < options.batchFrames && !fatal && !framingBroken) {
        const frame = mutator.next();
        parts.push(frame.bytes);
        mutations[frame.mutation] = (mutations[frame.mutation] ?? 0) + 1;
        batchMutations.push(frame.mutation);
        fatal = frame.fatal;
        framingBroken = frame.breaksFraming;
      }
      const epoch = disconnects;
      const bytes = Buffer.concat(parts);
      sim.sendRawToClients(Buffer.concat([bytes, sentinel(batch)]));
      // Wait for the sentinel or the reset. Without either once the client went quiet, a second round of sentinels
      // tells why: a client waiting for a long body takes them silently (it gets ever more filler until its body is
      // complete); a client that drops every one of them lost its framing without noticing: the switch side resets it.
      let fillerRounds = 0;
      let deaf = false;
      const waitStarted = performance.now();
      while (!(await settled(batch, epoch))) {
        if (performance.now() - waitStarted > 30_000) throw new Error(`the ESL client neither read batch ${batch} nor reset within 30 s (seed ${options.seed})`);
        if (fillerRounds === 0) stalls++;
        const count = Math.min(16_384, 64 * 2 ** fillerRounds++);
        const droppedBefore = dropped();
        const filler = Buffer.concat(Array.from({ length: count }, () => sentinel(batch)));
        fillerBytes += filler.length;
        sim.sendRawToClients(filler);
        if (await settled(batch, epoch)) break;
        if (dropped() - droppedBefore >= count) {
          deaf = true;
          sim.dropConnections();
          while (disconnects === epoch) await progress.next(50);
          break;
        }
      }
      if (deaf) deafEpisodes.push({ batch, mutations: batchMutations.slice(-3) });
      const reset = disconnects !== epoch && !deaf;
      if (reset && !fatal) resetsWithoutFatalFrame++;
      if (!reset && fatal) fatalFramesSwallowed++;
      if (!reset || fatal) {
        framesRead += parts.length;
        bytesRead += bytes.length;
      }
    }
    const seconds = (performance.now() - startedAt) / 1000;
    // Healthy afterwards: connected, answering, and a real ringing leg comes through. Unsolicited replies of the last
    // batches may still cost a reset or two: the answer is asked again after each.
    let coreUuid = '';
    for (let attempt = 0; attempt < 20 && coreUuid === ''; attempt++) {
      await untilReady();
      coreUuid = (await esl.api('global_getvar core_uuid').catch(() => '')).trim();
    }
    const call = await sim.placeCall({ domain: 'fuzz-after.test', targets: ['200'] });
    const deadline = Date.now() + 5_000;
    while (ringingFactSeen !== call.bLegs[0] && Date.now() < deadline) await progress.next(50);
    return {
      framesRead,
      bytesRead,
      seconds,
      resets: logged.get('unparseable data from FreeSWITCH; resetting the connection') ?? 0,
      reconnects: readies - 1,
      resetsWithoutFatalFrame,
      fatalFramesSwallowed,
      stalls,
      fillerBytes,
      framesDropped: dropped(),
      deafEpisodes: deafEpisodes.length,
      firstDeafBatch: deafEpisodes[0],
      listenerFailures: logged.get('ESL listener failed') ?? 0,
      mutations,
      memoryBaselineBytes: memory.baseline,
      memoryPeakBytes: memory.peak,
      healthyAfter: coreUuid === sim.coreUuid && ringingFactSeen === call.bLegs[0],
    };
  } finally {
    clearInterval(sampler);
    await esl.stop();
    await sim.close();
  }
}
