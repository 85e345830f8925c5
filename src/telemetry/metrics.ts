import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import packageJson from '../../package.json' with { type: 'json' };

/** How a pickup request ended, as a metric label (low cardinality: one value per failure cause). */
export type PickupResultLabel = 'picked' | 'caller_dropped' | 'abandoned' | 'not_permitted' | 'nothing_to_pick' | 'invalid_dialled' | 'unauthenticated' | 'unavailable';

/** The dialled form of a request, as a metric label. */
export type PickupFormLabel = 'group' | 'my_groups' | 'extension' | 'queue' | 'legacy_group' | 'none';

/** How a cross-node hand-off ended. */
export type HandoffResultLabel = 'picked' | 'refused' | 'picker_gone' | 'impossible' | 'unconfirmed';

/** An event socket as the metrics show it. */
export interface EslConnectionState {
  readonly node: string;
  readonly role: 'served' | 'peer';
  readonly connected: boolean;
}

/** The live state the gauges read when scraped. */
export interface MetricsState {
  /** Calls ringing per served node (read from the store). */
  readonly ringingCalls: () => Promise<ReadonlyMap<string, number>>;
  readonly redisUp: () => boolean;
  readonly eslConnections: () => Iterable<EslConnectionState>;
}

/** What the controller reports to Prometheus, named by its conventions (base units, `_total` counters). */
export class Metrics {
  readonly registry = new Registry();
  readonly pickups: Counter<'form' | 'result'>;
  /** The request (the picker's channel data) received → intercept (or hand-off) written: the controller's own share of a pickup. */
  readonly decisionSeconds: Histogram;
  /** Socket accepted → the picker bridged to the caller (or answered by the call's node). */
  readonly pickupSeconds: Histogram<'node_scope'>;
  readonly handoffs: Counter<'result'>;
  readonly eventsReceived: Counter<'event'>;
  readonly eslConnected: Gauge<'node' | 'role'>;
  readonly redisUp: Gauge;
  readonly resyncs: Counter<'node' | 'result'>;
  readonly callersDropped: Counter<'node'>;
  readonly noticesSent: Counter;
  readonly ringingCalls: Gauge<'node'>;

  /** The gauges of live state read it when scraped; `collectDefault` adds Node's process metrics. */
  constructor(state: MetricsState, options: { readonly collectDefault?: boolean } = {}) {
    const registers = [this.registry];
    this.pickups = new Counter({ name: 'fs_pickup_pickups_total', help: 'Pickup requests by dialled form and how they ended.', labelNames: ['form', 'result'], registers });
    this.decisionSeconds = new Histogram({
      name: 'fs_pickup_decision_duration_seconds',
      help: 'Pickup request received (the picker channel data) until the intercept or hand-off was written.',
      buckets: [0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
      registers,
    });
    this.pickupSeconds = new Histogram({
      name: 'fs_pickup_pickup_duration_seconds',
      help: 'Pickup request reached the controller until the picker was connected (same node: bridged; cross node: answered).',
      labelNames: ['node_scope'],
      buckets: [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.handoffs = new Counter({ name: 'fs_pickup_handoffs_total', help: 'Cross-node hand-offs by outcome.', labelNames: ['result'], registers });
    this.eventsReceived = new Counter({ name: 'fs_pickup_events_received_total', help: 'FreeSWITCH events received on the served nodes, by name.', labelNames: ['event'], registers });
    this.eslConnected = new Gauge({
      name: 'fs_pickup_esl_connected',
      help: '1 while the event socket of a node is connected (role: served, or peer for hand-offs only).',
      labelNames: ['node', 'role'],
      registers,
      collect() {
        for (const { node, role, connected } of state.eslConnections()) this.set({ node, role }, connected ? 1 : 0);
      },
    });
    this.redisUp = new Gauge({
      name: 'fs_pickup_redis_up',
      help: '1 while Redis answers.',
      registers,
      collect() {
        this.set(state.redisUp() ? 1 : 0);
      },
    });
    this.resyncs = new Counter({ name: 'fs_pickup_resyncs_total', help: 'Resyncs of the ringing calls with a node, by result.', labelNames: ['node', 'result'], registers });
    this.callersDropped = new Counter({
      name: 'fs_pickup_callers_dropped_total',
      help: "Callers hung up by FreeSWITCH's own intercept race (their bridge failed with PICKED_OFF while the intercept took them): a lost call.",
      labelNames: ['node'],
      registers,
    });
    this.noticesSent = new Counter({ name: 'fs_pickup_notices_sent_total', help: 'Pickup notices (SIP MESSAGE) delivered.', registers });
    this.ringingCalls = new Gauge({
      name: 'fs_pickup_ringing_calls',
      help: 'Calls ringing on each served node, as mirrored in Redis.',
      labelNames: ['node'],
      registers,
      async collect() {
        // A scrape while Redis does not answer shows no sample rather than failing.
        const counts = await state.ringingCalls().catch(() => new Map<string, number>());
        this.reset();
        for (const [node, count] of counts) this.set({ node }, count);
      },
    });
    new Gauge({ name: 'fs_pickup_build_info', help: 'The running build.', labelNames: ['version', 'nodejs'], registers }).set({ version: packageJson.version, nodejs: process.version }, 1);
    if (options.collectDefault ?? true) collectDefaultMetrics({ register: this.registry });
  }
}
