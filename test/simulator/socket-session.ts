/**
 * One outbound event-socket session of the synchronous `socket` application (no `async`, no `full`:
 * `Socket-Mode: static`, `Control: single-channel`), run in the channel's own thread as
 * mod_event_socket's listener_run does (captures 16a–16g and the lab's notes on them):
 * - nothing is sent before the controller's first command, which must come within 25 s
 *   (`firstCommandTimeoutMs`); that first command is handled but never answered (`connect` writes the
 *   channel data itself); after it there is no timeout;
 * - only connect, getvar, myevents, filter, divert_events, resume, sendmsg and exit; the rest
 *   `-ERR command not found`;
 * - `sendmsg` without a uuid (or with the channel's own) runs the application at once and answers
 *   `+OK` when it has returned; with another channel's uuid it queues there and answers at once;
 * - `myevents`: this channel's events in plain, written only while no command waits to be read, so the
 *   events of a sendmsg follow its `+OK`;
 * - the session ends on `exit` (`+OK bye`), when the controller closes, when the channel is down
 *   (checked before each command and on each poll: a buffered `exit` is then never read), or at the
 *   first-command timeout; FreeSWITCH then sends its disconnect notice and closes.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { channelHeaders, profileHeaders, type Channel, type RunningApp } from './channel.ts';
import { CommandReader, type ReceivedCommand } from './command-reader.ts';
import { ListenerOutbox, splitCommandWait } from './listener-outbox.ts';
import { messageOf, targetOf } from './sendmsg.ts';
import { eventHeader, type SimEvent } from './sim-event.ts';
import { Subscription } from './subscription.ts';
import type { SwitchCore } from './switch-core.ts';
import { sleep } from './timing.ts';
import { Wakeup } from './wakeup.ts';
import { commandReply, eventFrame, serializeJson, serializePlain, sessionDisconnectNotice } from './wire.ts';

// The events `myevents` subscribes to (mod_event_socket parse_command): no CHANNEL_CALLSTATE among them.
const MY_EVENTS = [
  'CHANNEL_ANSWER', 'CHANNEL_APPLICATION', 'CHANNEL_BRIDGE', 'CHANNEL_CREATE', 'CHANNEL_DATA', 'CHANNEL_DESTROY',
  'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_ORIGINATE',
  'CHANNEL_UUID', 'CHANNEL_OUTGOING', 'CHANNEL_PARK', 'CHANNEL_PROGRESS', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_STATE',
  'CHANNEL_UNBRIDGE', 'CHANNEL_UNPARK', 'DETECTED_SPEECH', 'DTMF', 'NOTALK', 'TALK',
];

/** A controller's connection, controlling one channel until it ends. */
export class SocketSession {
  private readonly reader: CommandReader;
  private readonly outbox: ListenerOutbox;
  private readonly subscription = new Subscription();
  private readonly waiting: ReceivedCommand[] = [];
  private readonly signal = new Wakeup();
  private handling = false;
  private firstCommandRead = false;
  private myEvents = false;
  private exited = false;
  private peerClosed = false;

  constructor(
    private readonly core: SwitchCore,
    private readonly channel: Channel,
    private readonly socket: Socket,
    private readonly socketApp: RunningApp,
  ) {
    this.reader = new CommandReader(core.options.sockets.nextConnectionId(), channel.uuid);
    this.outbox = new ListenerOutbox(
      (frame) => socket.write(frame),
      () => this.handling || this.waiting.length > 0 || this.reader.hasPartial,
      core.options.timing.listenerPollMs,
    );
  }

  /** Serves the controller; resolves when the session is over and the socket closed. */
  async run(): Promise<void> {
    const { socket, core } = this;
    socket.on('data', (chunk: Buffer) => {
      for (const command of this.reader.push(chunk)) {
        core.options.sockets.record(command);
        this.waiting.push(command);
      }
      this.signal.wake();
      this.outbox.flush();
    });
    const peerGone = (): void => {
      this.peerClosed = true;
      this.signal.wake();
    };
    socket.on('end', peerGone);
    socket.on('close', peerGone);
    socket.on('error', () => undefined);
    const untap = core.tap((event) => this.observe(event));
    // A switch that stops drops its connections like a dying process.
    const forget = core.whenHalted(() => socket.destroy());
    try {
      await this.serve(performance.now() + core.options.sockets.firstCommandTimeoutMs);
    } finally {
      untap();
      forget();
      this.outbox.stop();
      this.close();
    }
  }

  private async serve(firstCommandDeadline: number): Promise<void> {
    const pollMs = this.core.options.timing.listenerPollMs;
    for (;;) {
      if (!this.channel.alive) return;
      const command = this.waiting.shift();
      if (command) {
        this.handling = true;
        try {
          await this.handleInTurn(command);
        } finally {
          this.handling = false;
        }
        if (this.exited) return;
        this.outbox.flush();
        continue;
      }
      if (this.peerClosed) return;
      const untilDeadline = firstCommandDeadline - performance.now();
      if (!this.firstCommandRead && untilDeadline <= 0) return;
      const limit = this.firstCommandRead ? pollMs : Math.min(untilDeadline, pollMs ?? untilDeadline);
      await this.signal.wait(limit);
    }
  }

  private async handleInTurn(command: ReceivedCommand): Promise<void> {
    const wait = splitCommandWait(command, this.core.options.timing.splitCommandStallMs);
    if (wait > 0) await sleep(wait);
    await this.core.options.sockets.beforeCommand(command);
    const reply = await this.handle(command);
    // listener_run parses the first command without answering it (connect answers by itself).
    if (this.firstCommandRead && reply !== undefined) this.socket.write(commandReply(reply || '-ERR command not found'));
    this.firstCommandRead = true;
  }

  /** parse_command for a session without `full`; undefined: nothing to answer (connect). */
  private async handle(command: ReceivedCommand): Promise<string | undefined> {
    const line = command.line;
    const lower = line.toLowerCase();
    if (lower.startsWith('exit') || lower.startsWith('...')) {
      this.exited = true;
      return '+OK bye';
    }
    if (lower.startsWith('filter ')) return this.subscription.filter(line.slice('filter '.length));
    if (lower.startsWith('resume')) {
      this.channel.variables.set('socket_resume', 'true');
      return '+OK';
    }
    if (lower.startsWith('connect')) {
      this.socket.write(this.channelData());
      return undefined;
    }
    if (lower.startsWith('getvar')) {
      const space = line.indexOf(' ');
      return space < 0 ? '' : (this.core.variable(this.channel, line.slice(space + 1)) ?? '');
    }
    if (lower.startsWith('myevents')) return this.enableMyEvents(lower);
    if (lower.startsWith('divert_events')) return divertReply(line.slice('divert_events'.length).trim());
    if (lower.startsWith('sendmsg')) return this.sendmsg(command);
    return '';
  }

  private enableMyEvents(lower: string): string {
    if (this.myEvents) return '-ERR aready enabled.';
    this.myEvents = true;
    const format = lower.includes('json') ? ['json'] : lower.includes('xml') ? ['xml'] : [];
    this.subscription.subscribe([...format, ...MY_EVENTS]);
    return '+OK Events Enabled';
  }

  private async sendmsg(command: ReceivedCommand): Promise<string> {
    const uuid = targetOf(command);
    const message = messageOf(command);
    if (uuid === '' || uuid === this.channel.uuid) {
      if (message) await this.core.runMessage(this.channel, message);
      return '+OK';
    }
    const other = this.core.find(uuid);
    if (!other) return `-ERR invalid session id [${uuid}]`;
    if (message) this.core.queueMessage(other, message);
    return '+OK';
  }

  /** `connect`: the channel as a CHANNEL_DATA header block, the reply headers last, no Content-Length. */
  private channelData(): Buffer {
    const { stamper } = this.core.options;
    const headers = [
      ...stamper.coreHeaders('CHANNEL_DATA', ['mod_event_socket.c', 'parse_command', 2029]),
      ...profileHeaders('Channel', this.channel, true),
      ...channelHeaders(this.channel, true),
      ['Content-Type', 'command/reply'],
      ['Reply-Text', '+OK\n'],
      ['Socket-Mode', 'static'],
      ['Control', 'single-channel'],
    ] as const;
    return Buffer.from(serializePlain(headers, undefined));
  }

  private observe(event: SimEvent): void {
    if (eventHeader(event, 'Unique-ID') !== this.channel.uuid) return;
    // A channel going down ends the session at once in fast timing (real timing: on the next poll).
    if (event.name === 'CHANNEL_HANGUP' && this.core.options.timing.listenerPollMs === undefined) this.signal.wake();
    // The socket application's own EXECUTE_COMPLETE comes after its listener has gone.
    if (!this.myEvents || eventHeader(event, 'Application-UUID') === this.socketApp.uuid) return;
    if (this.subscription.format === 'xml' || !this.subscription.accepts(event)) return;
    const serialized = this.subscription.format === 'json' ? serializeJson(event.headers, event.body) : serializePlain(event.headers, event.body);
    this.outbox.push(eventFrame(this.subscription.format, serialized));
  }

  private close(): void {
    const [headers, body] = sessionDisconnectNotice(this.channel.uuid);
    this.socket.write(headers);
    this.socket.write(body);
    this.socket.end();
  }
}

/** `divert_events on|off` (16g: `+OK events diverted`); the diversion itself is not simulated. */
function divertReply(value: string): string {
  if (value === '') return '-ERR missing value.';
  return value.toLowerCase() === 'on' ? '+OK events diverted' : '+OK events not diverted';
}
