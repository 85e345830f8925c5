import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CommandHeaders } from './command.ts';
import { EslCommandError, EslUnavailableError } from './errors.ts';
import type { EslEvent } from './event.ts';
import { type ModeslHandle, openModeslConnection } from './modesl-connection.ts';
import { PendingSet } from './pending.ts';

/** How to reach one FreeSWITCH event socket and what to listen to. */
export interface EslClientOptions {
  readonly host: string;
  readonly port: number;
  readonly password: string;
  /** Event names to subscribe to (json format). Only what the controller needs: FreeSWITCH sends ~50 per call. */
  readonly events: readonly string[];
  readonly logger: Logger;
  readonly commandTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** No frame at all for this long (HEARTBEAT comes every 20 s) = the connection is dead. */
  readonly livenessTimeoutMs?: number;
  readonly reconnectInitialDelayMs?: number;
  readonly reconnectMaxDelayMs?: number;
}

const DEFAULTS = Object.freeze({
  commandTimeoutMs: 5_000,
  connectTimeoutMs: 5_000,
  livenessTimeoutMs: 65_000,
  reconnectInitialDelayMs: 200,
  reconnectMaxDelayMs: 10_000,
});

type State = 'idle' | 'connecting' | 'ready' | 'stopped';

/**
 * A typed, promise-based, self-reconnecting client for one FreeSWITCH inbound event socket.
 * - every command is one write on a TCP_NODELAY socket, has a timeout, and is rejected when the connection is lost;
 * - `api` gets its answer in the reply itself (quick commands: a `hash insert` round trip is ~0.3 ms), while
 *   `backgroundApi` runs as `bgapi` with our own Job-UUID, so a slow command (`show channels`) never blocks the
 *   connection — its answer comes as an event, which FreeSWITCH flushes on its 20 ms poll;
 * - after each (re)connect the subscription is re-applied and `ready` listeners run (the tracker resyncs there);
 * - a listener that throws or rejects is logged, never allowed to reach the socket.
 */
export class EslClient {
  private readonly settings: Required<Omit<EslClientOptions, 'logger'>>;
  private readonly log: Logger;
  private state: State = 'idle';
  private handle: ModeslHandle | undefined;
  private attempt = 0;
  /** When the current outage began (the first failed attempt since the last ready connection). */
  private outageSince: number | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly pending = new PendingSet();
  private readonly jobWaiters = new Map<string, (body: string) => void>();
  private readonly eventListeners: Array<(event: EslEvent) => unknown> = [];
  private readonly readyListeners: Array<() => unknown> = [];
  /** One-shot waiters of `readyWithin`. */
  private readonly readyWaiters = new Set<() => void>();
  private readonly disconnectListeners: Array<(reason: string) => unknown> = [];

  constructor(options: EslClientOptions) {
    const { logger, ...rest } = options;
    this.settings = { ...DEFAULTS, ...rest };
    // The password never reaches a log line.
    this.log = logger.child({ module: 'esl', esl: `${options.host}:${options.port}` });
  }

  /** Connects, and keeps reconnecting until stop(). */
  start(): void {
    if (this.state !== 'idle') return;
    this.connect();
  }

  /** Closes the connection for good and rejects whatever is still waiting. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.reconnectTimer);
    const socket = this.handle?.socket;
    this.pending.rejectAll(new EslUnavailableError('ESL client stopped'));
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => {
        socket.once('close', () => resolve());
        socket.end('exit\n\n');
        setTimeout(() => socket.destroy(), 500).unref();
      });
    }
  }

  /** True between a completed (re)subscription and the next disconnect. */
  get isReady(): boolean {
    return this.state === 'ready';
  }

  /**
   * Resolves true once connected, false after `timeoutMs`. Something needs the switch now: a retry that waits
   * for its back-off delay (up to reconnectMaxDelayMs after an outage) is made at once.
   */
  readyWithin(timeoutMs: number): Promise<boolean> {
    if (this.state === 'ready') return Promise.resolve(true);
    if (this.state !== 'connecting') return Promise.resolve(false);
    if (this.handle === undefined) {
      clearTimeout(this.reconnectTimer);
      this.connect();
    }
    return new Promise((resolve) => {
      const waiter = (): void => {
        clearTimeout(timer);
        this.readyWaiters.delete(waiter);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.readyWaiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.readyWaiters.add(waiter);
    });
  }

  onEvent(listener: (event: EslEvent) => unknown): void {
    this.eventListeners.push(listener);
  }

  /** Runs after every successful connect + subscribe, the first one included. */
  onReady(listener: () => unknown): void {
    this.readyListeners.push(listener);
  }

  onDisconnected(listener: (reason: string) => unknown): void {
    this.disconnectListeners.push(listener);
  }

  /**
   * Runs a quick API command and resolves with its output (`api`: the answer is the reply, no event involved).
   * FreeSWITCH runs it in this connection's thread, so nothing else moves on the connection meanwhile.
   */
  async api(command: string, timeoutMs = this.settings.commandTimeoutMs): Promise<string> {
    const handle = this.readyHandle(`api ${command.split(' ')[0]}`);
    return this.bounded(handle.sendApi(command), timeoutMs, `api "${command}"`);
  }

  /** Runs an API command as bgapi and resolves with its output, e.g. `show channels as json`. */
  async backgroundApi(command: string, timeoutMs = this.settings.commandTimeoutMs): Promise<string> {
    const jobUuid = randomUUID();
    const wait = this.pending.add<string>(timeoutMs, () => new EslUnavailableError(`api "${command}" timed out after ${timeoutMs} ms`));
    wait.promise.catch(() => undefined); // awaited below; this only stops an early rejection from going unhandled
    this.jobWaiters.set(jobUuid, wait.resolve);
    try {
      const reply = await this.command(`bgapi ${command}`, { 'Job-UUID': jobUuid }).catch((error: Error) => {
        wait.reject(error);
        throw error;
      });
      if (!reply.startsWith('+OK')) wait.reject(new EslCommandError(`bgapi ${command}`, reply));
      return await wait.promise;
    } finally {
      this.jobWaiters.delete(jobUuid);
    }
  }

  /** Fires an event into FreeSWITCH (`sendevent`); resolves with the new Event-UUID. */
  async sendEvent(name: string, headers: Readonly<Record<string, string>>): Promise<string> {
    const reply = await this.command(`sendevent ${name}`, { ...headers });
    if (!reply.startsWith('+OK')) throw new EslCommandError(`sendevent ${name}`, reply);
    return reply.slice(4).trim();
  }

  /** Sends one command and waits for its command/reply, bounded by the command timeout. */
  private command(line: string, headers?: CommandHeaders): Promise<string> {
    try {
      return this.sendOn(this.readyHandle(line.split(' ')[0] ?? line), line, headers);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  private readyHandle(what: string): ModeslHandle {
    if (this.state !== 'ready' || !this.handle) throw new EslUnavailableError(`not connected to FreeSWITCH (${what})`);
    return this.handle;
  }

  private sendOn(handle: ModeslHandle, line: string, headers?: CommandHeaders): Promise<string> {
    return this.bounded(handle.sendRecv(line, headers), this.settings.commandTimeoutMs, `"${line.split(' ')[0]}"`);
  }

  /** Settles with `reply`, or rejects after `timeoutMs` or when the connection is lost. */
  private bounded<T>(reply: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    const wait = this.pending.add<T>(timeoutMs, () => new EslUnavailableError(`no reply to ${what} within ${timeoutMs} ms`));
    reply.then(wait.resolve, wait.reject);
    return wait.promise;
  }

  private connect(): void {
    this.state = 'connecting';
    const { host, port, password } = this.settings;
    let reason = 'connection closed';
    const handle = openModeslConnection(host, port, password, {
      onEvent: (event) => this.dispatch(event),
      onProtocolError: (error) => {
        reason = `protocol error: ${error.message}`;
        this.log.error({ err: error }, 'unparseable data from FreeSWITCH; resetting the connection');
      },
      onFrameError: (error) => this.log.warn({ err: error }, 'dropped an unusable frame from FreeSWITCH'),
    });
    this.handle = handle;
    const connectTimer = setTimeout(() => {
      reason = `not ready within ${this.settings.connectTimeoutMs} ms`;
      handle.socket.destroy();
    }, this.settings.connectTimeoutMs);
    const liveness = setTimeout(() => {
      reason = `nothing received for ${this.settings.livenessTimeoutMs} ms`;
      handle.socket.destroy();
    }, this.settings.livenessTimeoutMs);
    handle.socket.on('data', () => liveness.refresh());
    handle.socket.on('error', (error) => {
      reason = error.message;
    });
    handle.on('auth-failed', () => {
      reason = 'FreeSWITCH refused the event-socket password (check FSP_ESL_PASSWORD)';
    });
    handle.on('authenticated', () => {
      this.subscribe(handle).then(
        () => {
          clearTimeout(connectTimer);
          if (this.handle !== handle || this.state === 'stopped') return;
          this.state = 'ready';
          this.attempt = 0;
          const downForMs = this.outageSince === undefined ? undefined : Date.now() - this.outageSince;
          this.outageSince = undefined;
          this.log.info({ events: this.settings.events.length, downForMs }, 'connected to FreeSWITCH');
          for (const listener of this.readyListeners) this.invoke('ready', listener);
          for (const waiter of [...this.readyWaiters]) waiter();
        },
        (error: Error) => {
          reason = `subscription failed: ${error.message}`;
          handle.socket.destroy();
        },
      );
    });
    handle.socket.once('close', () => {
      clearTimeout(connectTimer);
      clearTimeout(liveness);
      this.onClosed(handle, reason);
    });
  }

  private async subscribe(handle: ModeslHandle): Promise<void> {
    const reply = await this.sendOn(handle, `event json ${this.settings.events.join(' ')}`);
    if (!reply.startsWith('+OK')) throw new EslCommandError('event json', reply);
  }

  private onClosed(handle: ModeslHandle, reason: string): void {
    if (this.handle !== handle) return;
    const wasReady = this.state === 'ready';
    this.handle = undefined;
    this.pending.rejectAll(new EslUnavailableError(`connection to FreeSWITCH lost: ${reason}`));
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    if (wasReady) for (const listener of this.disconnectListeners) this.invoke('disconnected', listener, reason);
    const base = Math.min(this.settings.reconnectMaxDelayMs, this.settings.reconnectInitialDelayMs * 2 ** this.attempt);
    const delay = Math.round(base / 2 + (Math.random() * base) / 2);
    this.attempt = Math.min(this.attempt + 1, 30);
    // One warning per outage (a lost connection, or a switch not reachable at start); the retries are debug.
    if (this.outageSince === undefined) {
      this.outageSince = Date.now();
      this.log.warn({ reason, retryInMs: delay }, wasReady ? 'lost the FreeSWITCH event socket; reconnecting' : 'cannot reach the FreeSWITCH event socket; retrying');
    } else {
      this.log.debug({ reason, delayMs: delay, attempt: this.attempt }, 'reconnecting to FreeSWITCH');
    }
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private dispatch(event: EslEvent): void {
    if (event.name === 'BACKGROUND_JOB') this.jobWaiters.get(event.headers['Job-UUID'] ?? '')?.(event.body);
    for (const listener of this.eventListeners) this.invoke('event', listener, event);
  }

  /** Calls a listener so that neither a throw nor a rejection can escape into the socket handler. */
  private invoke<A extends unknown[]>(kind: string, listener: (...args: A) => unknown, ...args: A): void {
    try {
      const result = listener(...args);
      if (result instanceof Promise) result.catch((error: unknown) => this.log.error({ err: error, listener: kind }, 'ESL listener failed'));
    } catch (error) {
      this.log.error({ err: error, listener: kind }, 'ESL listener failed');
    }
  }
}
