import type { Logger } from 'pino';
import { reasonOf } from '../logger.ts';
import type { RedisConnection } from './redis-connection.ts';

type Handler = (message: string) => unknown;

/**
 * The controller's Redis pub/sub connection (a subscriber needs a connection of its own): handlers per channel,
 * subscribed again after every reconnect. Messages published while it was not subscribed are lost, so
 * `onSubscribed` listeners run after every (re)subscription, the first included, to catch up from the stored state.
 */
export class ChangeFeed {
  private readonly handlers = new Map<string, Handler[]>();
  private readonly subscribedListeners: Array<() => unknown> = [];
  private subscriber: RedisConnection | undefined;
  private subscribed = false;
  private readonly log: Logger;

  constructor(
    private readonly redis: RedisConnection,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'feed' });
  }

  /** Routes the messages of `channel` to `handler` too; a channel first named after start() is subscribed at once. */
  on(channel: string, handler: Handler): void {
    const handlers = this.handlers.get(channel);
    if (handlers) {
      handlers.push(handler);
      return;
    }
    this.handlers.set(channel, [handler]);
    if (this.subscribed) this.subscriber?.subscribe(channel).catch((error: unknown) => this.log.warn({ reason: reasonOf(error), channel }, 'could not subscribe to change notices; again on the next reconnect'));
  }

  /** True while subscribed (between a subscription and the loss of its connection). */
  get isSubscribed(): boolean {
    return this.subscribed;
  }

  /** Runs after each (re)subscription. */
  onSubscribed(listener: () => unknown): void {
    this.subscribedListeners.push(listener);
  }

  start(): void {
    const subscriber = this.redis.duplicate();
    this.subscriber = subscriber;
    // Redis outages are logged once by RedisHealth; this connection's own retries are debug.
    subscriber.on('error', (error: Error) => this.log.debug({ reason: reasonOf(error) }, 'change feed connection problem'));
    subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
    subscriber.on('close', () => {
      this.subscribed = false;
    });
    subscriber.on('ready', () => {
      subscriber.subscribe(...this.handlers.keys()).then(
        () => {
          this.subscribed = true;
          for (const listener of this.subscribedListeners) this.deliverSafely(() => listener());
        },
        (error: unknown) => this.log.warn({ reason: reasonOf(error) }, 'could not subscribe to change notices; again on the next reconnect'),
      );
    });
    subscriber.connect().catch(() => undefined);
  }

  stop(): void {
    this.subscriber?.disconnect();
  }

  private deliver(channel: string, message: string): void {
    for (const handler of this.handlers.get(channel) ?? []) this.deliverSafely(() => handler(message));
  }

  private deliverSafely(run: () => unknown): void {
    try {
      const result = run();
      if (result instanceof Promise) result.catch((error: unknown) => this.log.debug({ reason: reasonOf(error) }, 'a change handler failed'));
    } catch (error) {
      this.log.error({ err: error }, 'a change handler failed');
    }
  }
}
