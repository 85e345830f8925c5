import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ControllerConfig } from './config/config.ts';
import { channelFactOf, CONTROLLER_EVENTS } from './esl/channel-facts.ts';
import { fetchRingingLegs } from './esl/channel-snapshot.ts';
import { EslClient } from './esl/client.ts';
import { DEFAULT_PICKUP_SETTINGS, PickupService } from './pickup/pickup-service.ts';
import { CallStore } from './store/call-store.ts';
import { Keys } from './store/keys.ts';
import { PreferenceStore } from './store/preference-store.ts';
import { connectRedis } from './store/redis-connection.ts';
import { RingingTracker } from './tracker/ringing-tracker.ts';

/** A running controller: one FreeSWITCH node, one Redis. */
export interface RunningController {
  readonly redis: Redis;
  readonly esl: EslClient;
  stop(): Promise<void>;
}

/**
 * Wires the adapters together: ESL events → tracker (ringing calls into Redis) and pickup service; after
 * every (re)connect to FreeSWITCH — and after Redis comes back from an outage — the tracker resyncs from
 * `show channels as json`. Neither Redis nor FreeSWITCH has to be up at start: both are retried for ever,
 * and while Redis is down pickups fail cleanly (503) instead of hanging.
 */
export async function startController(config: ControllerConfig, logger: Logger): Promise<RunningController> {
  const log = logger.child({ node: config.nodeName });
  const redis = connectRedis(config.redisUrl, log);
  // The first failure is logged by connectRedis' error listener; ioredis keeps retrying by itself.
  redis.connect().catch(() => undefined);
  const keys = new Keys(config.keyPrefix);
  const calls = new CallStore(redis, keys);
  const preferences = new PreferenceStore(redis, keys);
  const esl = new EslClient({ ...config.esl, events: CONTROLLER_EVENTS, logger: log });
  const tracker = new RingingTracker(calls, config.nodeName, log);
  const pickup = new PickupService(
    esl,
    calls,
    preferences,
    config.nodeName,
    { ...DEFAULT_PICKUP_SETTINGS, prefix: config.pickupPrefix, strategy: config.claimStrategy, controllerId: config.controllerId },
    log,
  );

  let resyncRunning = false;
  let resyncWanted = false;
  /** One resync at a time; a request during a run queues exactly one more. */
  const resync = async (why: string): Promise<void> => {
    if (resyncRunning) {
      resyncWanted = true;
      return;
    }
    resyncRunning = true;
    try {
      do {
        resyncWanted = false;
        const startedAt = Date.now();
        log.info({ why }, 'resyncing ringing calls from the switch');
        await tracker.resync(await fetchRingingLegs(esl), startedAt);
      } while (resyncWanted);
    } catch (error) {
      log.error({ err: error }, 'resync failed; it runs again on the next Redis or FreeSWITCH reconnect');
    } finally {
      resyncRunning = false;
    }
  };

  // Events that arrived while Redis was down were not mirrored: every Redis (re)connect resyncs.
  redis.on('ready', () => {
    if (esl.isReady) void resync('connected to Redis');
  });

  esl.onEvent((event) => {
    const fact = channelFactOf(event);
    if (!fact) return;
    switch (fact.kind) {
      case 'pickup-parked':
        return pickup.handle(fact);
      case 'bridged':
        return pickup.noteBridge(fact);
      default:
        return tracker.apply(fact).catch((error: unknown) => {
          log.error({ err: error, callUuid: fact.callUuid }, 'could not mirror a channel event; Redis reconnect will resync');
        });
    }
  });
  esl.onReady(() => resync('connected to FreeSWITCH'));
  esl.start();

  return {
    redis,
    esl,
    async stop() {
      await esl.stop();
      redis.disconnect();
    },
  };
}
