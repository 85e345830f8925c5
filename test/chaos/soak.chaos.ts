/**
 * Issue 12, items 1 and 3: two simulated nodes with two controllers each under 200 new calls a second for two
 * minutes (half answered, a quarter picked up, a quarter cancelled), with Redis restarted empty in the middle of it;
 * then, under the same traffic, a node's event socket cut, a controller SIGKILLed and Redis stalled past the command
 * timeout. One run of the scenario (beforeAll); the tests below check what it recorded. The figures go to
 * bench/chaos-figures.json whether the checks pass or not. Replay with CHAOS_SEED=<seed printed at the start>.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EMPTY_PREFERENCES, type UserPreferences } from '../../src/domain/preferences.ts';
import type { ControllerProcess } from '../helpers/controller-process.ts';
import { memoryOf, readiness } from './controller-metrics.ts';
import { atMost, type Figure, measured, recordSection } from './figures.ts';
import { PickupOutcomes } from './pickup-outcomes.ts';
import { pickupctl } from './pickupctl.ts';
import { bytesPerRingingCall, keysWithoutTtl } from './redis-footprint.ts';
import { Random, scenarioSeed } from './seeded.ts';
import { LagMeter } from './soak/lag-meter.ts';
import { collectGarbage } from './soak/collect-garbage.ts';
import type { LegLag } from './soak/lag-probe.ts';
import { type SoakBed, type SoakNode, startSoakBed } from './soak/soak-bed.ts';
import { LAG_GROUP_PREFIX, SAMPLED_USERS, type SoakPickup, Traffic, USERS } from './soak/traffic.ts';
import { percentile, sleep } from './stats.ts';

const seed = scenarioSeed(inject('chaosSeed'), 'soak');
/**
 * The issue asks for 200 new calls/s. On the 2-core machine the simulator (one process) and four controllers need
 * about 1.5 % of a core per call/s together (~3 cores at 200/s): the suite runs 80/s by default, well inside what the
 * machine sustains, and CHAOS_SOAK_RATE=200 runs the issue's rate where there are the cores for it.
 */
const RATE = Number(process.env.CHAOS_SOAK_RATE ?? 80);
const RATE_ASKED = 200;
const WARM_UP_MS = Number(process.env.CHAOS_SOAK_WARM_UP_S ?? 10) * 1000;
const SOAK_MS = Number(process.env.CHAOS_SOAK_S ?? 120) * 1000;
/** How long a chaos step may take to recover before the calls it left unpickable count as lost. */
const RECOVERY_LIMIT_MS = 20_000;
const DOMAIN = 'soak.test';
const RESYNCED = 'resynced ringing calls with the switch';

/** A chaos step: when it began and ended (performance.now()), and how long until every ringing call was pickable again. */
interface ChaosStep {
  readonly from: number;
  to: number;
  recoveredMs: number | null;
  /** The first calls never pickable again, described. */
  missing: string[];
  /** Ringing calls still not pickable when the recovery limit passed. */
  unpickable: number;
  readonly notes: string[];
}

interface MemorySnapshot {
  readonly rss: number;
  readonly heapUsed: number;
}

/** Everything the scenario run recorded. */
interface SoakRun {
  bed: SoakBed;
  traffic: Traffic;
  outcomes: PickupOutcomes;
  windowFrom: number;
  windowTo: number;
  memoryStart: Map<ControllerProcess, MemorySnapshot>;
  memoryEnd: Map<ControllerProcess, MemorySnapshot>;
  footprint: Awaited<ReturnType<typeof bytesPerRingingCall>>;
  lags: readonly LegLag[];
  redisRestart: ChaosStep & { importMs: number };
  eslCut: ChaosStep;
  killed: ChaosStep & { restartMs: number; victim: ControllerProcess };
  stall: ChaosStep;
  unanswered: string[];
  leftover: Awaited<ReturnType<typeof keysWithoutTtl>>;
  /** Calls the store still holds once every channel is gone, each with what the controllers logged about it. */
  phantoms: string[];
  readyAtEnd: number[];
}

let run: SoakRun;
const figures: Record<string, Figure> = {};

/**
 * Polls until every call ringing on the simulators (for more than 300 ms) is offered in its group's index — or is
 * being picked up right now (claimed) —, up to the recovery limit. Resolves with the time it took from `since` and the
 * calls still missing at the end.
 */
async function untilEveryRingingCallPickable(bed: SoakBed, traffic: Traffic, since: number, node?: SoakNode): Promise<{ recoveredMs: number | null; unpickable: number; missing: string[] }> {
  let missing = 0;
  let described: string[] = [];
  while (performance.now() - since < RECOVERY_LIMIT_MS) {
    const ringing = traffic.ringingCalls(300).filter((call) => !node || call.node === node);
    try {
      const offered = new Set([...(await bed.redis.zrange(bed.keys.groupIndex(DOMAIN, 'sales'), 0, -1)), ...(await bed.redis.zrange(bed.keys.groupIndex(DOMAIN, 'pick'), 0, -1))]);
      const notOffered = ringing.filter((call) => !offered.has(call.aLeg as string));
      const stored = await Promise.all(notOffered.map((call) => bed.redis.hgetall(bed.keys.call(DOMAIN, call.aLeg as string))));
      const lost = notOffered.filter((_, i) => stored[i]?.state !== 'claimed');
      missing = lost.length;
      described = lost.slice(0, 5).map((call) => `${call.aLeg} (${call.fate} on ${call.node.name}, placed ${Math.round(since - call.placedAt)} ms before; store: ${JSON.stringify(stored[notOffered.indexOf(call)])})`);
      if (missing === 0) return { recoveredMs: performance.now() - since, unpickable: 0, missing: [] };
    } catch {
      // Redis not answering yet.
    }
    await sleep(200);
  }
  return { recoveredMs: null, unpickable: missing, missing: described };
}

/** Each controller's memory after a full garbage collection: what it holds, not garbage not yet collected. */
async function liveMemory(controllers: readonly ControllerProcess[]): Promise<Map<ControllerProcess, MemorySnapshot>> {
  const memory = new Map<ControllerProcess, MemorySnapshot>();
  for (const controller of controllers) {
    await collectGarbage(controller);
    memory.set(controller, await memoryOf(controller));
  }
  return memory;
}

/** The calls the store still holds (their hashes), described by the controllers' log lines about them. */
async function callsLeft(bed: SoakBed): Promise<string[]> {
  const hashes = (await bed.redis.keys(`${bed.keys.domainBase(DOMAIN)}call:*`)).filter((key) => !key.endsWith(':legs'));
  return Promise.all(
    hashes.slice(0, 5).map(async (key) => {
      const callUuid = key.slice(key.lastIndexOf(':') + 1);
      const told = bed.everyController.flatMap((c, i) => c.logs.filter((line) => line.callUuid === callUuid || line.legUuid === callUuid).map((line) => `c${i} ${String(line.msg)}`));
      return `${callUuid} ${JSON.stringify(await bed.redis.hgetall(key))} legs ${JSON.stringify(await bed.redis.hgetall(`${key}:legs`))}: ${told.join('; ')}`;
    }),
  ).then((described) => (hashes.length > 5 ? [...described, `… ${hashes.length} in all`] : described));
}

/** One line every few seconds while the scenario runs: where it is, what rings on the switches and in the store. */
async function reportProgress(bed: SoakBed, traffic: Traffic): Promise<void> {
  const offered = await Promise.all(['sales', 'pick'].map((group) => bed.redis.zcard(bed.keys.groupIndex(DOMAIN, group)).catch(() => -1)));
  const channels = bed.nodes.map((node) => node.sim.liveChannelCount());
  console.log(`soak ${traffic.phase}: ${traffic.ringingCalls(0).length} calls ringing, channels ${channels.join('/')}, offered sales/pick ${offered.join('/')}, ${JSON.stringify(traffic.counts)}`);
}

function step(): ChaosStep {
  return { from: performance.now(), to: 0, recoveredMs: null, unpickable: 0, missing: [], notes: [] };
}

async function runScenario(): Promise<SoakRun> {
  const bed = await startSoakBed({ controllersPerNode: 2 });
  const outcomes = new PickupOutcomes();
  for (const controller of bed.everyController) outcomes.watch(controller);
  bed.onController((controller) => outcomes.watch(controller));
  const sampled = (pool: readonly string[], group: string) => pool.map((ext) => [ext, { callGroups: [group, `${LAG_GROUP_PREFIX}${ext}`] }] as const);
  const users: Record<string, Partial<UserPreferences>> = Object.fromEntries([
    ...USERS.sales.map((ext) => [ext, { callGroups: ['sales'] }] as const),
    ...USERS.pick.map((ext) => [ext, { callGroups: ['pick'] }] as const),
    ...USERS.pickers.map((ext) => [ext, { pickupGroups: ['pick', 'sales'] }] as const),
    ...sampled(USERS.sampledSales, 'sales'),
    ...sampled(USERS.sampledPick, 'pick'),
  ]);
  await bed.preferences.setMany(Object.entries(users).map(([extension, prefs]) => ({ user: { extension, domain: DOMAIN }, preferences: { ...EMPTY_PREFERENCES, ...prefs } })));
  // The controllers keep preferences in memory: wait until every one has seen them (a pickup before would be refused).
  await sleep(1_000);
  const lagMeter = await LagMeter.start({ eslPorts: bed.nodes.map((n) => n.eslPort), redisUrl: bed.redisServer.url, channel: bed.keys.callChanges(), sampledUsers: SAMPLED_USERS, groupPrefix: LAG_GROUP_PREFIX });
  const traffic = new Traffic(bed.nodes, DOMAIN, new Random(seed), outcomes, RATE);
  console.log(`soak: seed ${seed} (run seed ${inject('chaosSeed')}), ${RATE} calls/s, warm-up ${WARM_UP_MS / 1000} s, soak ${SOAK_MS / 1000} s`);
  traffic.start();
  const progress = setInterval(() => void reportProgress(bed, traffic), 10_000);
  await sleep(WARM_UP_MS);
  traffic.phase = 'steady';
  const everyServing = (): ControllerProcess[] => bed.nodes.flatMap((n) => n.controllers);
  const memoryStart = await liveMemory(everyServing());
  const windowFrom = performance.now();
  const atWindow = (ms: number): Promise<void> => sleep(windowFrom + ms - performance.now());

  await atWindow(Math.min(20_000, SOAK_MS / 6));
  const footprint = await bytesPerRingingCall(bed.redis, bed.keys, DOMAIN, bed.nodes[0]!.name, 200);

  // Redis restarted empty in the middle of the soak; the users' groups come back from an export taken before.
  await atWindow(SOAK_MS / 2 - 5_000);
  const env = { redisUrl: bed.redisServer.url, prefix: bed.prefix };
  const exported = await pickupctl(['export', DOMAIN], env);
  await atWindow(SOAK_MS / 2 - 1_000);
  // A pickup dialled in the last second may still be on its way when Redis dies: no test judges this phase.
  traffic.phase = 'redis-going-down';
  await atWindow(SOAK_MS / 2);
  traffic.phase = 'redis-down';
  const redisRestart = { ...step(), importMs: 0 };
  await bed.redisServer.kill();
  await sleep(8_000);
  const resynced = everyServing().map((c, i) =>
    c.nextLog((line) => line.msg === RESYNCED, 5_000 + RECOVERY_LIMIT_MS).then(
      () => undefined,
      () => void redisRestart.notes.push(`controller ${i} did not resync after Redis came back`),
    ),
  );
  await bed.redisServer.start();
  traffic.phase = 'redis-recovering';
  const redisBack = performance.now();
  // The operator restores the users as soon as Redis is back, while the controllers resync the ringing calls from the
  // switches: whichever comes first, what rang meanwhile must become pickable under its users' groups.
  const imported = pickupctl(['import', '-'], env, exported).then(() => void (redisRestart.importMs = performance.now() - redisBack));
  await Promise.all([...resynced, imported]);
  Object.assign(redisRestart, await untilEveryRingingCallPickable(bed, traffic, redisBack), { to: performance.now() });
  // Calls the restart left unpickable are that step's finding: their callers give up, so that the steps after it
  // are judged on their own.
  for (const call of traffic.ringingCalls(0)) if (call.placedAt < redisBack) await call.node.sim.hangup(call.aLeg as string).catch(() => undefined);
  traffic.phase = 'steady-after-redis-restart';

  await atWindow(SOAK_MS);
  const windowTo = performance.now();
  const memoryEnd = await liveMemory(everyServing());

  // A node's event socket cut mid-call (both of its controllers lose it, the lag probe too).
  traffic.phase = 'esl-cut';
  const eslCut = step();
  const cutNode = bed.nodes[0]!;
  const cutResynced = cutNode.controllers.map((c, i) =>
    c.nextLog((line) => line.msg === RESYNCED, RECOVERY_LIMIT_MS).then(
      () => undefined,
      () => void eslCut.notes.push(`controller ${i} of ${cutNode.name} did not resync`),
    ),
  );
  cutNode.sim.dropConnections();
  await Promise.all(cutResynced);
  Object.assign(eslCut, await untilEveryRingingCallPickable(bed, traffic, eslCut.from, cutNode), { to: performance.now() });
  traffic.phase = 'steady-after-esl-cut';
  await sleep(3_000);

  // A controller SIGKILLed: the node's dialplan skips it (connection refused) for the other one; then it comes back.
  traffic.phase = 'controller-killed';
  const killedNode = bed.nodes[1]!;
  const victim = killedNode.controllers[0]!;
  const killed = { ...step(), restartMs: 0, victim };
  await victim.stop('SIGKILL');
  await sleep(5_000);
  const restartFrom = performance.now();
  await bed.replaceController(killedNode, 0);
  killed.restartMs = performance.now() - restartFrom;
  Object.assign(killed, await untilEveryRingingCallPickable(bed, traffic, restartFrom, killedNode), { to: performance.now() });
  traffic.phase = 'steady-after-kill';
  await sleep(3_000);

  // Redis stalled (SIGSTOP: the connections stay open, nothing answers) for longer than the 5 s command timeout.
  traffic.phase = 'redis-stalled';
  const stall = step();
  const pid = await bed.redisPid();
  process.kill(pid, 'SIGSTOP');
  await sleep(7_000);
  process.kill(pid, 'SIGCONT');
  traffic.phase = 'redis-resumed';
  Object.assign(stall, await untilEveryRingingCallPickable(bed, traffic, performance.now()), { to: performance.now() });
  traffic.phase = 'steady-after-stall';
  await sleep(3_000);

  // The end: no new call; the ones placed play their fate, then whatever is left is hung up.
  traffic.stop();
  await sleep(7_000);
  traffic.halt();
  clearInterval(progress);
  for (const node of bed.nodes) for (const channel of node.sim.liveChannels()) await node.sim.hangup(channel.uuid).catch(() => undefined);
  const unanswered = await outcomes.waitFor(traffic.pickups.map((p) => p.picker), 15_000);
  // The last events are mirrored, claims released: then nothing may be left without a TTL.
  let leftover = await keysWithoutTtl(bed.redis, bed.prefix);
  for (let i = 0; i < 20 && leftover.withoutTtl.length > 0; i++) {
    await sleep(500);
    leftover = await keysWithoutTtl(bed.redis, bed.prefix);
  }
  // Every channel is gone: the store must offer no call any more (a call left "ringing" would be offered to pickers).
  const phantoms = await callsLeft(bed);
  const readyAtEnd = await Promise.all(everyServing().map((c) => readiness(c).catch(() => 0)));
  const lags = await lagMeter.lags();
  lagMeter.stop();
  return { bed, traffic, outcomes, windowFrom, windowTo, memoryStart, memoryEnd, footprint, lags, redisRestart, eslCut, killed, stall, unanswered, leftover, phantoms, readyAtEnd };
}

/** A picker's channel as the simulator saw it end. */
function channelSummary(picker: string): string {
  const pickup = run.traffic.pickups.find((p) => p.picker === picker);
  const channel = pickup?.node.sim.channelState(picker);
  if (!channel) return 'unknown';
  const after = (at: number): string => (at > 0 ? `${Math.round((at - channel.times.created) / 1000)} ms` : '-');
  return `${channel.answerState}; answered ${after(channel.times.answered)}, bridged ${after(channel.times.bridged)}, hangup ${channel.hangupCause ?? '-'} ${after(channel.times.hangup)}`;
}

function diagnosis(pickup: SoakPickup): string {
  return `${pickup.picker} (${pickup.phase}, waited ${Math.round(waitOf(pickup) ?? -1)} ms): ${run.outcomes.story(pickup.picker).join('; ')} | ${channelSummary(pickup.picker)}`;
}

/** The pickups dialled in these phases. */
function pickupsIn(phases: readonly string[]): SoakPickup[] {
  return run.traffic.pickups.filter((pickup) => phases.includes(pickup.phase));
}

/** What became of a pickup: the controller's final word, else the picker's channel as the simulator ended it. */
function resultOf(pickup: SoakPickup): string {
  const outcome = run.outcomes.of(pickup.picker)[0];
  const channel = pickup.node.sim.channelState(pickup.picker);
  if (outcome?.picked || (channel?.times.bridged ?? 0) > 0) return 'picked';
  // A line without a cause (a hand-off never confirmed): the phone got what the simulator ended its channel with.
  if (outcome) return `${outcome.failure ?? outcome.msg} ${outcome.cause ?? channel?.hangupCause ?? ''}`.trim();
  return channel?.hangupCause ? `no controller line; hangup ${channel.hangupCause}` : 'unanswered';
}

/** How long the picker waited for its answer (bridge or hangup), in ms; undefined while it still waits. */
function waitOf(pickup: SoakPickup): number | undefined {
  const times = pickup.node.sim.channelState(pickup.picker)?.times;
  const end = times && (times.bridged > 0 ? times.bridged : times.hangup);
  return times && end ? (end - times.created) / 1000 : undefined;
}

/**
 * A picker left waiting past the dialplan's bound (`sched_hangup +8` ends any request a controller holds) or to the
 * end of the run: nobody answered it. Answered pickers wait milliseconds; a Redis stall may hold one for the 5 s
 * command timeout, a cross-node one until the bound.
 */
const HANG_MS = 8_500;

function failuresOf(pickups: readonly SoakPickup[]): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const pickup of pickups) {
    const key = resultOf(pickup);
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return tally;
}

beforeAll(async () => {
  run = await runScenario();
}, 15 * 60_000);

afterAll(async () => {
  if (run) {
    const growth = (pick: (m: MemorySnapshot) => number): number[] => [...run.memoryStart].map(([c, start]) => (pick(run.memoryEnd.get(c)!) - pick(start)) / pick(start) * 100);
    const steadyLags = run.lags.filter((lag) => lag.firedAt >= performance.timeOrigin + run.windowFrom && lag.firedAt <= performance.timeOrigin + run.windowTo && !(lag.firedAt >= performance.timeOrigin + run.redisRestart.from && lag.firedAt <= performance.timeOrigin + run.redisRestart.to + 2_000));
    const indexed = steadyLags.flatMap((lag) => (lag.lagMs === null ? [] : [lag.lagMs]));
    const total = (pick: (m: MemorySnapshot) => number, map: Map<ControllerProcess, MemorySnapshot>): number => Math.max(...[...map.values()].map(pick));
    Object.assign(figures, {
      'new calls per second': { value: RATE, unit: 'calls/s', bar: `${RATE_ASKED} calls/s (issue)`, met: RATE >= RATE_ASKED, note: 'the rate run; BENCHMARKS.md says why 80/s by default on 2 cores' },
      'calls placed': measured(run.traffic.counts.placed, 'calls', `${run.traffic.counts.placeFailures} could not be placed; ${run.traffic.counts.gaveUp} callers gave up after 30 s of ringing`),
      'event-to-Redis lag p50': measured(percentile(indexed, 50), 'ms', `${indexed.length} sampled ringing legs (1 call in 5), Redis restart window left out`),
      'event-to-Redis lag p99': measured(percentile(indexed, 99), 'ms'),
      'sampled legs never indexed': atMost(steadyLags.length - indexed.length, 0, 'legs'),
      'controller RSS at start (largest)': measured(Math.round(total((m) => m.rss, run.memoryStart) / 1e6), 'MB', 'after the warm-up; memory read after a full garbage collection (through the inspector)'),
      'controller RSS at end (largest)': measured(Math.round(total((m) => m.rss, run.memoryEnd) / 1e6), 'MB', 'at the end of the window'),
      'controller RSS growth (worst)': atMost(Math.max(...growth((m) => m.rss)), 10, '%'),
      'controller heap at start (largest)': measured(Math.round(total((m) => m.heapUsed, run.memoryStart) / 1e6), 'MB'),
      'controller heap at end (largest)': measured(Math.round(total((m) => m.heapUsed, run.memoryEnd) / 1e6), 'MB'),
      'controller heap growth (worst)': atMost(Math.max(...growth((m) => m.heapUsed)), 10, '%'),
      'Redis bytes per ringing call': atMost(Math.round(run.footprint.bytes), 1024, 'B', `${run.footprint.calls} calls: hashes ${Math.round(run.footprint.callHashes)} B + index shares ${Math.round(run.footprint.indexShares)} B`),
      'keys without TTL once the calls ended': atMost(run.leftover.withoutTtl.length, 0, 'keys', `${run.leftover.checked} keys checked; users, domains and node records are permanent by design and left out`),
      'pickups dialled': measured(run.traffic.pickups.length, 'pickups', JSON.stringify(failuresOf(run.traffic.pickups))),
      'Redis restart: outage → every ringing call pickable': atMost(run.redisRestart.recoveredMs === null ? null : Math.round(run.redisRestart.recoveredMs), 5000, 'ms', `from Redis back, users restored by pickupctl import (a process of its own, done ${Math.round(run.redisRestart.importMs)} ms after Redis was back); ${run.redisRestart.unpickable} calls never pickable again`),
      'event socket cut → every ringing call pickable': measured(run.eslCut.recoveredMs === null ? null : Math.round(run.eslCut.recoveredMs), 'ms', `${run.eslCut.unpickable} calls never pickable again`),
      'controller SIGKILL: restart → ready and resynced': measured(Math.round(run.killed.restartMs), 'ms'),
      'Redis stall (7 s) → every ringing call pickable': measured(run.stall.recoveredMs === null ? null : Math.round(run.stall.recoveredMs), 'ms', `from SIGCONT; ${run.stall.unpickable} calls never pickable again`),
    });
    console.log(`soak pickups by phase: ${JSON.stringify(Object.fromEntries([...new Set(run.traffic.pickups.map((p) => p.phase))].map((phase) => [phase, failuresOf(pickupsIn([phase]))])))}`);
  }
  recordSection('soak and chaos under traffic', figures);
  await run?.bed.close();
});

describe('soak: 2 nodes × 2 controllers, 200 new calls/s for 2 minutes (issue 12, item 1)', () => {
  it('answers every pickup request, through exactly one controller; no picker is left hanging', () => {
    const hanging = run.traffic.pickups.filter((pickup) => (waitOf(pickup) ?? Infinity) >= HANG_MS && resultOf(pickup) !== 'picked');
    expect(hanging.slice(0, 5).map((pickup) => ({ picker: pickup.picker, phase: pickup.phase, waitedMs: Math.round(waitOf(pickup) ?? -1), logged: run.outcomes.story(pickup.picker), channel: channelSummary(pickup.picker) }))).toEqual([]);
    const answeredTwice = run.traffic.pickups.filter((pickup) => run.outcomes.of(pickup.picker).length > 1);
    expect(answeredTwice.map((pickup) => ({ picker: pickup.picker, logged: run.outcomes.story(pickup.picker) }))).toEqual([]);
  });

  it('never picks up the same call twice', () => {
    const picked = run.traffic.pickups.flatMap((pickup) => run.outcomes.of(pickup.picker).filter((o) => o.picked).map((o) => o.callUuid));
    expect(picked.length).toBeGreaterThan(0);
    expect(picked.length - new Set(picked).size).toBe(0);
  });

  it('in steady traffic every pickup picks a call up', () => {
    const failed = pickupsIn(['steady']).filter((pickup) => resultOf(pickup) !== 'picked');
    expect(failed.slice(0, 5).map((pickup) => ({ picker: pickup.picker, result: resultOf(pickup), sinceWindow: Math.round(pickup.dialledAt - run.windowFrom), logged: run.outcomes.story(pickup.picker), channel: channelSummary(pickup.picker) }))).toEqual([]);
  });

  it('mirrors every sampled ringing leg into Redis', () => {
    const window = run.lags.filter((lag) => lag.firedAt >= performance.timeOrigin + run.windowFrom && lag.firedAt < performance.timeOrigin + run.redisRestart.from);
    expect(window.length).toBeGreaterThan(100);
    expect(window.filter((lag) => lag.lagMs === null)).toEqual([]);
  });

  it('leaves no key without a TTL once the calls ended (users, domains and node records are permanent by design)', () => {
    expect(run.leftover.withoutTtl).toEqual([]);
  });

  it('holds no call once every channel is gone', () => {
    expect(run.phantoms).toEqual([]);
  });

  it('no controller crashed: every controller serving at the end is ready', () => {
    expect(run.readyAtEnd.every((status) => status === 200)).toBe(true);
  });
});

describe('chaos under traffic (issue 12, item 3)', () => {
  it('Redis restarted empty: pickups during the outage fail with NORMAL_TEMPORARY_FAILURE, and once the groups are imported again every call still ringing is pickable', () => {
    const during = pickupsIn(['redis-down']);
    expect(during.length).toBeGreaterThan(0);
    expect(failuresOf(during)).toEqual({ 'unavailable NORMAL_TEMPORARY_FAILURE': during.length });
    expect(run.redisRestart.notes).toEqual([]);
    expect({ unpickable: run.redisRestart.unpickable, missing: run.redisRestart.missing, notes: run.redisRestart.notes }).toEqual({ unpickable: 0, missing: [], notes: [] });
  });

  it('a node’s event socket cut mid-call: its controllers reconnect and resync, and every call ringing there is pickable again', () => {
    expect(run.eslCut.notes).toEqual([]);
    expect({ unpickable: run.eslCut.unpickable, missing: run.eslCut.missing, notes: run.eslCut.notes }).toEqual({ unpickable: 0, missing: [], notes: [] });
    for (const pickup of pickupsIn(['esl-cut'])) expect(resultOf(pickup), diagnosis(pickup)).toMatch(/^picked$|NORMAL_TEMPORARY_FAILURE$/);
  });

  it('a controller SIGKILLed: the node’s other controller serves its pickups meanwhile, and the restarted one serves again', () => {
    const meanwhile = pickupsIn(['controller-killed']);
    expect(meanwhile.length).toBeGreaterThan(0);
    for (const pickup of meanwhile) expect(run.outcomes.of(pickup.picker)[0]?.controller, pickup.picker).not.toBe(run.bed.everyController.indexOf(run.killed.victim));
    expect({ unpickable: run.killed.unpickable, missing: run.killed.missing, notes: run.killed.notes }).toEqual({ unpickable: 0, missing: [], notes: [] });
  });

  it('Redis stalled past the command timeout: pickups meanwhile end with NORMAL_TEMPORARY_FAILURE or a pickup, none hangs; afterwards every ringing call is pickable', () => {
    for (const pickup of pickupsIn(['redis-stalled'])) expect(resultOf(pickup), diagnosis(pickup)).toMatch(/^picked$|NORMAL_TEMPORARY_FAILURE$/);
    expect({ unpickable: run.stall.unpickable, missing: run.stall.missing, notes: run.stall.notes }).toEqual({ unpickable: 0, missing: [], notes: [] });
  });
});
