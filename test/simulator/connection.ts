/**
 * One inbound event-socket connection: auth, then commands in the order and with the reply texts
 * of mod_event_socket's parse_command (prefix matches, case-insensitive), and event delivery in
 * the format and with the filters the client chose, at the moments its listener loop would write them
 * (listener-outbox.ts).
 */
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { executeApi, type ApiEnvironment } from './api-commands.ts';
import { CommandReader, headerValue, type ReceivedCommand } from './command-reader.ts';
import { canonicalEventName } from './event-names.ts';
import { ListenerOutbox, splitCommandWait } from './listener-outbox.ts';
import { messageOf, targetOf } from './sendmsg.ts';
import type { SimEvent } from './sim-event.ts';
import { Subscription } from './subscription.ts';
import { sleep, type Timing } from './timing.ts';
import { AUTH_REQUEST, DISCONNECT_NOTICE, apiResponse, commandReply, type EventFormat, type Header } from './wire.ts';

/** What a connection needs from the simulator. */
export interface ConnectionHost {
  readonly password: string;
  readonly timing: Timing;
  /** The API environment of the current switch process (it changes on restart). */
  environment(): ApiEnvironment;
  /** Every received command is recorded here, before it is handled. */
  record(command: ReceivedCommand): void;
}

const LOG_LEVELS: Readonly<Record<string, number>> = {
  console: 0, alert: 1, crit: 2, err: 3, error: 3, warning: 4, notice: 5, info: 6, debug: 7,
};

/** A client connection. */
export class EslConnection {
  private readonly reader: CommandReader;
  private readonly subscription = new Subscription();
  private readonly outbox: ListenerOutbox;
  private authenticated = false;
  private logging = false;
  private closing = false;
  private pending: Promise<void> = Promise.resolve();
  private inFlight = 0;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    this.reader = new CommandReader(id);
    // In fast timing events go out as they fire; in real timing only when the listener loop is free.
    const realTiming = host.timing.listenerPollMs !== undefined;
    this.outbox = new ListenerOutbox((frame) => socket.write(frame), () => realTiming && (this.reader.hasPartial || this.inFlight > 0), host.timing.listenerPollMs);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.outbox.stop());
    socket.on('data', (chunk: Buffer) => {
      for (const command of this.reader.push(chunk)) {
        host.record(command);
        this.inFlight++;
        this.pending = this.pending
          .then(() => this.handleInTurn(command))
          .catch((error: unknown) => this.fail(error))
          .finally(() => {
            this.inFlight--;
            this.outbox.flush();
          });
      }
      // Any byte from the client wakes the listener (a bare newline gets the queued events out).
      this.outbox.flush();
    });
    socket.write(AUTH_REQUEST);
  }

  /** Whether this connection takes events now. */
  get receivesEvents(): boolean {
    return this.authenticated && !this.closing && !this.socket.destroyed;
  }

  /** Delivers an event if subscribed and not filtered out; `render` serialises it once per format. */
  deliver(event: SimEvent, render: (format: EventFormat) => Buffer): boolean {
    // Only plain and json are simulated; an `event xml` listener gets nothing.
    if (!this.receivesEvents || this.subscription.format === 'xml' || !this.subscription.accepts(event)) return true;
    return this.outbox.push(render(this.subscription.format));
  }

  /** Writes raw bytes (tests of malformed frames). */
  writeRaw(bytes: Buffer): void {
    if (this.receivesEvents) this.socket.write(bytes);
  }

  /** Resolves when the socket's write buffer has drained (or the socket is gone). */
  drained(): Promise<void> {
    if (!this.socket.writableNeedDrain || this.socket.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  /** Abrupt close, like a TCP reset. */
  destroy(): void {
    this.socket.destroy();
  }

  // A throw while handling a command is a simulator bug: drop the client and let the test run see it.
  private fail(error: unknown): void {
    this.socket.destroy();
    setImmediate(() => {
      throw error;
    });
  }

  private reply(text: string, extra: readonly Header[] = []): void {
    this.socket.write(commandReply(text, extra));
  }

  private disconnect(): void {
    this.closing = true;
    this.socket.end(DISCONNECT_NOTICE);
  }

  private async handleInTurn(command: ReceivedCommand): Promise<void> {
    const wait = splitCommandWait(command, this.host.timing.splitCommandStallMs);
    if (wait > 0) await sleep(wait);
    await this.handle(command);
  }

  private async handle(command: ReceivedCommand): Promise<void> {
    if (this.closing || this.socket.destroyed) return;
    const line = command.line;
    const lower = line.toLowerCase();
    if (lower.startsWith('exit') || lower.startsWith('...')) {
      this.reply('+OK bye');
      this.disconnect();
    } else if (!this.authenticated) {
      this.handleUnauthenticated(line);
    } else if (lower.startsWith('filter ')) {
      this.reply(this.subscription.filter(line.slice('filter '.length)));
    } else if (lower.startsWith('divert_events')) {
      this.reply('-ERR not controlling a session.');
    } else if (lower.startsWith('sendmsg')) {
      this.reply(this.sendmsg(command));
    } else if (lower.startsWith('sendevent')) {
      this.reply(this.sendevent(command));
    } else if (lower.startsWith('api ')) {
      const [name, argument] = splitCommand(line.slice('api '.length));
      this.socket.write(apiResponse(await executeApi(this.host.environment(), name, argument)));
    } else if (lower.startsWith('bgapi ')) {
      this.bgapi(command);
    } else {
      this.reply(this.sessionCommand(line, lower));
    }
  }

  private handleUnauthenticated(line: string): void {
    if (!line.toLowerCase().startsWith('auth ')) {
      this.reply('-ERR command not found');
    } else if (line.slice('auth '.length) === this.host.password) {
      this.authenticated = true;
      this.reply('+OK accepted');
    } else {
      this.reply('-ERR invalid');
      this.disconnect();
    }
  }

  // The remaining commands of parse_command, in its order; anything else is "-ERR command not found".
  private sessionCommand(line: string, lower: string): string {
    const words = line.split(' ').slice(1).filter((word) => word !== '');
    if (lower.startsWith('log')) return this.log(line.slice(3).replace(/^./, ''));
    if (lower.startsWith('linger') || lower.startsWith('nolinger')) return '-ERR not controlling a session';
    if (lower.startsWith('nolog')) {
      if (!this.logging) return '-ERR not loging';
      this.logging = false;
      return '+OK no longer logging';
    }
    if (lower.startsWith('event')) return this.subscription.subscribe(words);
    if (lower.startsWith('nixevent')) return this.subscription.unsubscribe(words);
    if (lower.startsWith('noevents')) return this.subscription.clear();
    return '-ERR command not found';
  }

  private log(level: string): string {
    const number = level === '' ? 7 : /^\d$/.test(level) ? Number(level) : LOG_LEVELS[level.toLowerCase()];
    if (number === undefined) return '-ERR invalid log level';
    this.logging = true;
    return `+OK log level ${level} [${number}]`;
  }

  private sendmsg(command: ReceivedCommand): string {
    const uuid = targetOf(command);
    const channel = this.host.environment().core.find(uuid);
    if (!channel) return `-ERR invalid session id [${uuid}]`;
    const message = messageOf(command);
    if (message) this.host.environment().core.queueMessage(channel, message);
    return '+OK';
  }

  /**
   * sendevent: the client's headers (after `Command`), then Event-UUID, then the core headers.
   * An event naming a live channel in `unique-id` goes to that session and is never fired (05/10).
   */
  private sendevent(command: ReceivedCommand): string {
    const { core } = this.host.environment();
    const eventUuid = randomUUID();
    const name = canonicalEventName(command.line.slice('sendevent'.length).trim()) ?? 'COMMAND';
    let headers: Header[] = [['Command', command.line], ...Object.entries(command.headers), ['Event-UUID', eventUuid]];
    const subclass = headers.find(([key]) => key.toLowerCase() === 'event-subclass')?.[1];
    if (name === 'CUSTOM' && subclass !== undefined) {
      headers = [['Event-Subclass', subclass], ...headers.filter(([key]) => key.toLowerCase() !== 'event-subclass')];
    }
    const target = headers.find(([key]) => key.toLowerCase() === 'unique-id')?.[1];
    if (target === undefined || !core.find(target)) {
      const site = ['mod_event_socket.c', 'parse_command', 2283] as const;
      const event: SimEvent = {
        name,
        ...(subclass === undefined ? {} : { subclass }),
        headers: [...headers, ...core.options.stamper.coreHeaders(name, site)],
        ...(command.body === undefined ? {} : { body: command.body }),
      };
      core.fire(event);
    }
    return `+OK ${eventUuid}`;
  }

  private bgapi(command: ReceivedCommand): void {
    const jobUuid = headerValue(command.headers, 'job-uuid') ?? randomUUID();
    const [name, argument] = splitCommand(command.line.slice('bgapi '.length));
    this.reply(`+OK Job-UUID: ${jobUuid}`, [['Job-UUID', jobUuid]]);
    const environment = this.host.environment();
    void executeApi(environment, name, argument).then((result) => {
      const headers: Header[] = [['Job-UUID', jobUuid], ['Job-Command', name]];
      if (argument !== undefined) headers.push(['Job-Command-Arg', argument]);
      environment.core.fire(
        environment.core.options.stamper.create('BACKGROUND_JOB', ['mod_event_socket.c', 'api_exec', 1580], headers, result),
      );
    });
  }
}

/** `cmd arg…` → [cmd, arg] (arg undefined when there is none), as api_exec splits it. */
function splitCommand(text: string): [string, string | undefined] {
  const space = text.indexOf(' ');
  return space < 0 ? [text, undefined] : [text.slice(0, space), text.slice(space + 1)];
}
