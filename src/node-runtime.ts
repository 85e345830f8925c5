import type { Logger } from 'pino';
import type { NodeConfig } from '../config/config.ts';
import { channelFactOf, CONTROLLER_EVENTS } from '../esl/channel-facts.ts';
import { fetchRingingLegs } from '../esl/channel-snapshot.ts';
import { EslClient } from '../esl/client.ts';
import type { RingingCallNotice } from '../pickup/notifier.ts';
import { PickupService, type PickupSettings, type PickupStores } from '../pickup/pickup-service.ts';
import { RingingTracker } from '../tracker/ringing-tracker.ts';

/** How often a served node's heartbeat is refreshed (it lives NodeRegistry's aliveForMs, 8 s). */
export const HEARTBEAT_INTERVAL_MS = 2_000;

/**
 * Everything one controller runs for one FreeSWITCH node: the event socket, the ringing-call tracker, the
 * pickup service and the node's heartbeat. After every (re)connect: the Core-UUID is compared with the one
 * recorded (a restarted switch lost its calls), the heartbeat is announced, and the calls are resynced from
 * `show channels as json`. On disconnect the heartbeat is withdrawn at once, so the node's calls stop being
 * offered (unless another controller still serves the node).
 */
export class NodeRuntime {
  readonly esl: EslClient;
  private readonly log: Logger;
  private readonly tracker: RingingTracker;
  private readonly pickup: PickupService;
  private coreUuid: string | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private resyncRunning = false;
  private resyncWanted = false;

  constructor(
    private readonly node: NodeConfig,
    private readonly stores: PickupStores,
    settings: PickupSettings,
    logger: Logger,
  ) {
    this.log = logger.child({ node: node.name });
    this.esl = new EslClient({ ...node.esl, events: CONTROLLER_EVENTS, logger: this.log });
    this.tracker = new RingingTracker(stores.calls, node.name, this.log);
    this.pickup = new PickupService(this.esl, stores, node.name, settings, this.log);
    this.esl.onEvent((event) => {
      this.pickup.observe(event);
      const fact = channelFactOf(event);
      if (!fact) return;
      switch (fact.kind) {
        case 'pickup-parked':
          return this.pickup.handle(fact);
        case 'token-parked':
          return this.pickup.acceptToken(fact);
        default:
          return this.tracker.apply(fact).catch((error: unknown) => {
            this.log.error({ err: error, callUuid: fact.callUuid }, 'could not mirror a channel event; Redis reconnect will resync');
          });
      }
    });
    this.esl.onReady(() => this.onConnected());
    this.esl.onDisconnected(() => {
      this.coreUuid = undefined;
      this.stores.registry.withdraw(node.name).catch((error: unknown) => this.log.warn({ err: error }, 'could not withdraw the node heartbeat'));
    });
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
    if (!this.esl.isReady) return;
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
        await this.tracker.resync(await fetchRingingLegs(this.esl), startedAt);
      } while (this.resyncWanted);
    } catch (error) {
      this.log.error({ err: error }, 'resync failed; it runs again on the next Redis or FreeSWITCH reconnect');
    } finally {
      this.resyncRunning = false;
    }
  }

  private async onConnected(): Promise<void> {
    try {
      const coreUuid = (await this.esl.api('global_getvar core_uuid')).trim();
      const previous = await this.stores.registry.swapCoreUuid(this.node.name, coreUuid);
      if (previous) {
        // FreeSWITCH restarted: every channel it had is gone, whatever the store still says.
        const dropped = await this.dropAllCalls();
        this.log.warn({ previousCoreUuid: previous, coreUuid, dropped }, 'FreeSWITCH restarted (new Core-UUID): dropped the calls it had');
      }
      this.coreUuid = coreUuid;
      await this.heartbeat();
    } catch (error) {
      this.log.error({ err: error }, 'could not register the node after connecting');
    }
    await this.resync('connected to FreeSWITCH');
  }

  private async heartbeat(): Promise<void> {
    if (!this.esl.isReady || !this.coreUuid) return;
    await this.stores.registry
      .heartbeat(this.node.name, { sipAddress: this.node.sipAddress, coreUuid: this.coreUuid })
      .catch((error: unknown) => this.log.warn({ err: error }, 'node heartbeat failed'));
  }

  private async dropAllCalls(): Promise<number> {
    const calls = await this.stores.calls.callsOfNode(this.node.name);
    for (const { domain, callUuid } of calls) await this.stores.calls.endCall(domain, callUuid, this.node.name);
    return calls.length;
  }
}
