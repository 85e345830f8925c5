import type { Logger } from 'pino';
import type { NodeConfig } from './config/config.ts';
import { FsPickupError } from './domain/errors.ts';
import { reasonOf } from './logger.ts';
import { channelFactOf, CONTROLLER_EVENTS } from './esl/channel-facts.ts';
import { fetchRingingLegs } from './esl/channel-snapshot.ts';
import { CallerLegGuard } from './esl/caller-leg-guard.ts';
import { EslClient } from './esl/client.ts';
import { EslCommandError } from './esl/errors.ts';
import type { EslEvent } from './esl/event.ts';
import { isDroppedCaller } from './esl/intercept-race.ts';
import { ChannelWatches } from './pickup/channel-watches.ts';
import type { RingingCallNotice } from './pickup/notifier.ts';
import type { PickerNode } from './pickup/pickup-service.ts';
import type { CallStore } from './store/call-store.ts';
import type { NodeRegistry } from './store/node-registry.ts';
import type { RedisHealth } from './store/redis-connection.ts';
import type { Metrics } from './telemetry/metrics.ts';
import { RingingTracker } from './tracker/ringing-tracker.ts';


/** A Core-UUID as FreeSWITCH prints it. */
const CORE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** How often a served node's heartbeat is refreshed (it lives NodeRegistry's aliveForMs, 8 s). */
export const HEARTBEAT_INTERVAL_MS = 2_000;

/**
 * Everything one controller runs for one FreeSWITCH node: the event socket, the ringing-call tracker, the events
 * of channels a pickup follows, and the node's heartbeat. After every (re)connect: the Core-UUID is compared with
 * the one recorded (a restarted switch lost its calls), the heartbeat is announced, and the calls are resynced
 * from `show channels as json`. On disconnect the heartbeat is withdrawn at once, so the node's calls stop being
 * offered (unless another controller still serves the node). Pickup requests of the node arrive on the
 * controller's socket listener and are matched to the node by Core-UUID.
 */
export class NodeRuntime implements PickerNode {
  readonly esl: EslClient;
  readonly watches = new ChannelWatches();
  private readonly log: Logger;
  private readonly tracker: RingingTracker;
  private readonly callerGuard: CallerLegGuard;
  private currentCoreUuid: string | undefined;
  /** The Core-UUID last recorded in Redis for this node (restart detection done for it). */
  private registeredCoreUuid: string | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private resyncRunning = false;
  private resyncWanted = false;

  constructor(
    private readonly node: NodeConfig,
    private readonly stores: { readonly calls: CallStore; readonly registry: NodeRegistry; readonly health: RedisHealth },
    private readonly metrics: Pick<Metrics, 'eventsReceived' | 'resyncs' | 'callersDropped'>,
    logger: Logger,
  ) {
    this.log = logger.child({ node: node.name });
    this.esl = new EslClient({ ...node.esl, events: CONTROLLER_EVENTS, logger: this.log });
    this.tracker = new RingingTracker(stores.calls, node.name, this.log);
    this.callerGuard = new CallerLegGuard(this.esl, this.log);
    this.esl.onEvent((event) => {
      metrics.eventsReceived.inc({ event: event.name });
      this.watches.observe(event);
      if (isDroppedCaller(event)) this.callerDropped(event);
      const fact = channelFactOf(event);
      if (!fact) return;
      if (fact.kind === 'leg-ringing') void this.callerGuard.protect(fact.callUuid);
      else if (fact.kind === 'call-ended') this.callerGuard.forget(fact.callUuid);
      // Redis does not answer: the health watch logs the outage once and a resync follows its recovery.
      return this.tracker.apply(fact).catch((error: unknown) => {
        this.log.debug({ callUuid: fact.callUuid, reason: reasonOf(error) }, 'could not mirror a channel event; resync when Redis answers');
        stores.health.reportFailure(error);
      });
    });
    this.esl.onReady(() => this.onConnected());
    // Announced at once when Redis (again) answers, not only on the next beat: pickups check liveness.
    stores.health.onAnswering(() => void this.heartbeat());
    this.esl.onDisconnected(() => {
      this.currentCoreUuid = undefined;
      this.stores.registry.withdraw(node.name).catch((error: unknown) => this.log.debug({ reason: reasonOf(error) }, 'could not withdraw the node heartbeat; it expires by itself'));
    });
  }

  /** The node's name in the cluster. */
  get name(): string {
    return this.node.name;
  }

  /** The Core-UUID of the FreeSWITCH process the event socket is connected to (undefined while disconnected). */
  get coreUuid(): string | undefined {
    return this.currentCoreUuid;
  }

  /** Called when a call starts ringing in call groups on this node. */
  onCallRinging(listener: (call: RingingCallNotice) => unknown): void {
    this.tracker.onCallRinging(listener);
  }

  start(): void {
    this.esl.start();
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), HEARTBEAT_INTERVAL_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.heartbeatTimer);
    await this.esl.stop();
    await this.stores.registry.withdraw(this.node.name).catch(() => undefined);
  }

  /** One resync at a time; a request during a run queues exactly one more. */
  async resync(why: string): Promise<void> {
    // Both are needed; whichever comes second asks again (FreeSWITCH's ready, Redis answering).
    if (!this.esl.isReady || !this.stores.health.isUp) return;
    if (this.resyncRunning) {
      this.resyncWanted = true;
      return;
    }
    this.resyncRunning = true;
    try {
      do {
        this.resyncWanted = false;
        const startedAt = Date.now();
        this.log.info({ why }, 'resyncing ringing calls from the switch');
        const legs = await fetchRingingLegs(this.esl);
        // Calls that started ringing while we could not see them are guarded now.
        for (const leg of legs) void this.callerGuard.protect(leg.callUuid);
        await this.tracker.resync(legs, startedAt);
        this.metrics.resyncs.inc({ node: this.node.name, result: 'done' });
      } while (this.resyncWanted);
    } catch (error) {
      this.metrics.resyncs.inc({ node: this.node.name, result: 'failed' });
      this.log.warn({ reason: reasonOf(error) }, 'resync failed; it runs again when Redis answers or FreeSWITCH reconnects');
      // The switch's and our own errors are FsPickupErrors; anything else came from the Redis client.
      if (!(error instanceof FsPickupError)) this.stores.health.reportFailure(error);
    } finally {
      this.resyncRunning = false;
    }
  }

  private async onConnected(): Promise<void> {
    try {
      // Known as soon as the switch says it: pickup sockets are matched to this node by it, Redis or not. Anything
      // but a uuid is not the answer (a stream that lost its framing): taken for one, it would read as a restart.
      const coreUuid = (await this.esl.api('global_getvar core_uuid')).trim();
      if (!CORE_UUID.test(coreUuid)) throw new EslCommandError('global_getvar core_uuid', `not a uuid: ${JSON.stringify(coreUuid.slice(0, 60))}`);
      this.currentCoreUuid = coreUuid;
      this.registeredCoreUuid = undefined;
    } catch (error) {
      this.log.warn({ reason: reasonOf(error) }, 'could not read the switch’s Core-UUID; it is read again on the next connect');
      return;
    }
    await this.heartbeat();
    await this.resync('connected to FreeSWITCH');
  }

  /**
   * Announces the node (every heartbeat interval). The first time for a Core-UUID it is recorded in Redis first:
   * a new one means FreeSWITCH restarted and every call the store had there is gone. While Redis does not answer
   * this is retried on the next beat.
   */
  private async heartbeat(): Promise<void> {
    const coreUuid = this.currentCoreUuid;
    if (!this.esl.isReady || !coreUuid) return;
    try {
      if (this.registeredCoreUuid !== coreUuid) {
        const previous = await this.stores.registry.swapCoreUuid(this.node.name, coreUuid);
        if (previous) {
          const dropped = await this.dropAllCalls();
          this.log.warn({ previousCoreUuid: previous, coreUuid, dropped }, 'FreeSWITCH restarted (new Core-UUID): dropped the calls it had');
        }
        this.registeredCoreUuid = coreUuid;
      }
      await this.stores.registry.heartbeat(this.node.name, { sipAddress: this.node.sipAddress, coreUuid });
    } catch (error) {
      this.stores.health.reportFailure(error);
    }
  }

  /** FreeSWITCH's intercept race hung a caller up (capture 18): the one outcome a pickup must never have. */
  private callerDropped(event: EslEvent): void {
    this.metrics.callersDropped.inc({ node: this.node.name });
    this.log.error(
      { callUuid: event.headers['Unique-ID'], pickerUuid: event.headers['Other-Leg-Unique-ID'], channel: event.headers['Channel-Name'] },
      'caller dropped by FreeSWITCH’s intercept race: its bridge failed with PICKED_OFF while the intercept took it (set continue_on_fail to cover PICKED_OFF on callers’ legs)',
    );
  }

  private async dropAllCalls(): Promise<number> {
    const calls = await this.stores.calls.callsOfNode(this.node.name);
    for (const { domain, callUuid } of calls) await this.stores.calls.endCall(domain, callUuid, this.node.name);
    return calls.length;
  }
}
