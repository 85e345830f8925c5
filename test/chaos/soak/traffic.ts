/**
 * The soak's calls: `callsPerSecond` new calls spread over the nodes, each with a fate drawn from a seeded deck —
 * half answered, a quarter picked up, a quarter cancelled by the caller — after a ring of 0.3–3 s; answered and
 * picked calls talk 0.5–3 s. Calls to be picked ring users of group "pick"; the pickup they trigger is a picker
 * dialling 88pick on a random node, which takes one of the pick calls (the claim is random). Some calls ring two
 * phones at once. Every fifth call rings a sampled user (its own group, for the lag probe). Each pickup is tagged
 * with the phase the scenario is in when it is dialled.
 */
import type { PickupOutcome, PickupOutcomes } from '../pickup-outcomes.ts';
import type { Random } from '../seeded.ts';
import type { SoakNode } from './soak-bed.ts';

export type Fate = 'answer' | 'pick' | 'cancel';

/** Who is who. Sampled users: 7000–7499 ring like "sales" calls, 7500–7999 like "pick" calls. */
export const USERS = {
  sales: Array.from({ length: 40 }, (_, i) => String(200 + i)),
  pick: Array.from({ length: 40 }, (_, i) => String(300 + i)),
  pickers: Array.from({ length: 20 }, (_, i) => String(100 + i)),
  sampledSales: Array.from({ length: 500 }, (_, i) => String(7000 + i)),
  sampledPick: Array.from({ length: 500 }, (_, i) => String(7500 + i)),
} as const;
export const SAMPLED_USERS = '^7\\d{3}$';
export const LAG_GROUP_PREFIX = 'lag';

export interface SoakCall {
  readonly node: SoakNode;
  readonly fate: Fate;
  readonly family: 'sales' | 'pick';
  readonly placedAt: number;
  aLeg?: string;
  bLegs?: string[];
  /** Its fate was played (answered, cancelled, or a pickup took it): it rings no more. */
  done?: boolean;
}

export interface SoakPickup {
  readonly picker: string;
  readonly node: SoakNode;
  readonly phase: string;
  readonly dialledAt: number;
  outcomes?: readonly PickupOutcome[];
  hungUp?: boolean;
}

export interface TrafficCounts {
  placed: number;
  placeFailures: number;
  answered: number;
  cancelled: number;
  pickupsDialled: number;
  /** Callers that hung up after GIVE_UP_MS of ringing. */
  gaveUp: number;
}

const FATE_DECK: readonly Fate[] = ['answer', 'answer', 'pick', 'cancel'];
/** A caller nobody answers gives up after this long (a chaos step may leave a call unpickable for a while). */
const GIVE_UP_MS = 30_000;

export class Traffic {
  readonly calls: SoakCall[] = [];
  /** Calls placed and not yet done, by caller's leg: what may still ring. */
  private readonly live = new Set<SoakCall>();
  private readonly byCaller = new Map<string, SoakCall>();
  readonly pickups: SoakPickup[] = [];
  readonly counts: TrafficCounts = { placed: 0, placeFailures: 0, answered: 0, cancelled: 0, pickupsDialled: 0, gaveUp: 0 };
  phase = 'warm-up';
  private ticker: NodeJS.Timeout | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private deck: Fate[] = [];
  private sequence = 0;
  private sampledSales = 0;
  private sampledPick = 0;

  constructor(
    private readonly nodes: readonly SoakNode[],
    private readonly domain: string,
    private readonly random: Random,
    private readonly outcomes: PickupOutcomes,
    private readonly callsPerSecond: number,
  ) {}

  start(): void {
    // Every 10 ms the calls due by then: steady even when a tick comes late.
    const startedAt = performance.now();
    let started = 0;
    this.ticker = setInterval(() => {
      const due = Math.floor(((performance.now() - startedAt) / 1000) * this.callsPerSecond);
      for (; started < due; started++) this.placeOne();
    }, 10);
    this.sweeper = setInterval(() => this.sweep(), 200);
  }

  /** No new call; calls already placed play their fate to the end. */
  stop(): void {
    clearInterval(this.ticker);
  }

  /** Stops everything still scheduled (the scenario then hangs up what is left). */
  halt(): void {
    this.stop();
    clearInterval(this.sweeper);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** Calls whose caller and ringing phones are still there, ringing, placed more than `settledMs` ago. */
  ringingCalls(settledMs: number): SoakCall[] {
    const before = performance.now() - settledMs;
    return [...this.live].filter((call) => {
      if (!call.aLeg || call.placedAt > before) return false;
      const caller = call.node.sim.channelState(call.aLeg);
      if (!caller || caller.hangupCause !== undefined || caller.bridgedTo !== undefined) return false;
      return (call.bLegs ?? []).some((leg) => {
        const phone = call.node.sim.channelState(leg);
        return phone !== undefined && phone.hangupCause === undefined && phone.answerState !== 'answered';
      });
    });
  }

  private finish(call: SoakCall): void {
    call.done = true;
    this.live.delete(call);
  }

  private later(ms: number, action: () => Promise<unknown>): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      // The phone may be gone meanwhile (picked, cancelled, chaos): nothing to do then.
      action().catch(() => undefined);
    }, ms);
    this.timers.add(timer);
  }

  private drawFate(): Fate {
    if (this.deck.length === 0) {
      this.deck = [...FATE_DECK];
      for (let i = this.deck.length - 1; i > 0; i--) {
        const j = this.random.int(0, i);
        [this.deck[i], this.deck[j]] = [this.deck[j] as Fate, this.deck[i] as Fate];
      }
    }
    return this.deck.pop() as Fate;
  }

  private targets(family: 'sales' | 'pick', sampled: boolean): string[] {
    if (sampled) {
      const pool = family === 'sales' ? USERS.sampledSales : USERS.sampledPick;
      const index = family === 'sales' ? this.sampledSales++ : this.sampledPick++;
      return [pool[index % pool.length] as string];
    }
    const pool = family === 'sales' ? USERS.sales : USERS.pick;
    const first = this.random.pick(pool);
    if (!this.random.chance(0.15)) return [first];
    const second = this.random.pick(pool.filter((user) => user !== first));
    return [first, second];
  }

  private placeOne(): void {
    const n = this.sequence++;
    const node = this.nodes[n % this.nodes.length] as SoakNode;
    const fate = this.drawFate();
    const family = fate === 'pick' ? 'pick' : 'sales';
    const call: SoakCall = { node, fate, family, placedAt: performance.now() };
    this.calls.push(call);
    const callerNumber = String(5_550_000 + (n % 10_000));
    node.sim
      .placeCall({ domain: this.domain, targets: this.targets(family, n % 5 === 0), callerNumber, callerName: `Soak ${callerNumber}` })
      .then((placed) => {
        call.aLeg = placed.aLeg;
        call.bLegs = placed.bLegs;
        this.live.add(call);
        this.byCaller.set(placed.aLeg, call);
        this.counts.placed++;
        this.playFate(call, placed.aLeg, placed.bLegs);
        this.later(GIVE_UP_MS, async () => {
          if (call.done) return;
          this.finish(call);
          this.counts.gaveUp++;
          await node.sim.hangup(placed.aLeg);
        });
      })
      .catch(() => void this.counts.placeFailures++);
  }

  private playFate(call: SoakCall, aLeg: string, bLegs: string[]): void {
    const ringMs = this.random.int(300, 3_000);
    const talkMs = this.random.int(500, 3_000);
    const sim = call.node.sim;
    switch (call.fate) {
      case 'answer':
        this.later(ringMs, async () => {
          this.finish(call);
          await sim.answer(bLegs[0] as string);
          this.counts.answered++;
          this.later(talkMs, () => sim.hangup(aLeg));
        });
        return;
      case 'cancel':
        this.later(ringMs, async () => {
          this.finish(call);
          await sim.hangup(aLeg);
          this.counts.cancelled++;
        });
        return;
      case 'pick':
        this.later(ringMs, async () => {
          const node = this.random.pick(this.nodes);
          const pickup: SoakPickup = { picker: '', node, phase: this.phase, dialledAt: performance.now() };
          this.counts.pickupsDialled++;
          const picker = await node.sim.dialPickup({ extension: this.random.pick(USERS.pickers), domain: this.domain, dialled: '88pick' });
          this.pickups.push({ ...pickup, picker });
        });
    }
  }

  /** Takes the controllers' answers; a picked-up call talks a while, then the picker hangs up (and the caller with it). */
  private sweep(): void {
    this.outcomes.scan();
    for (const pickup of this.pickups) {
      if (pickup.outcomes) continue;
      const outcomes = this.outcomes.of(pickup.picker);
      if (outcomes.length === 0) continue;
      pickup.outcomes = outcomes;
      for (const outcome of outcomes) {
        const call = outcome.picked && outcome.callUuid ? this.byCaller.get(outcome.callUuid) : undefined;
        if (call) this.finish(call);
      }
      if (outcomes.some((outcome) => outcome.picked)) {
        this.later(this.random.int(500, 3_000), async () => {
          pickup.hungUp = true;
          await pickup.node.sim.hangup(pickup.picker);
        });
      }
    }
  }
}
