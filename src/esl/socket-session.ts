import type { Socket } from 'node:net';
import { type CommandHeaders, encodeCommand } from './command.ts';
import { EslProtocolError, EslUnavailableError } from './errors.ts';
import { type EslFrame, FrameParser, safeUrlDecode } from './frame-parser.ts';

/** One command for a socket session: its line and headers. */
export interface SocketCommand {
  readonly line: string;
  readonly headers?: CommandHeaders;
}

/** `sendmsg` (no uuid: this channel) running an application; on a synchronous socket it runs at once. */
export function executeCommand(app: string, arg: string | undefined, eventUuid: string): SocketCommand {
  const headers: Record<string, string> = { 'call-command': 'execute', 'execute-app-name': app, 'Event-UUID': eventUuid };
  if (arg !== undefined) headers['execute-app-arg'] = arg;
  return { line: 'sendmsg', headers };
}

/** `sendmsg` hanging this channel up with a cause: the phone gets that cause's SIP answer, without a 183 first. */
export function hangupCommand(cause: string): SocketCommand {
  return { line: 'sendmsg', headers: { 'call-command': 'hangup', 'hangup-cause': cause } };
}

/** Ends the session: FreeSWITCH answers `+OK bye`, closes, and the channel goes on with its dialplan. */
export const EXIT_COMMAND: SocketCommand = Object.freeze({ line: 'exit' });

/**
 * One channel's synchronous outbound socket (the dialplan's `socket host:port` without `async`): FreeSWITCH
 * connected to us from the channel's own thread and waits for our commands (captures 16a–16g).
 * - `open` writes `connect` and resolves with the channel's data (the connect reply). No `myevents`: what happens
 *   to the channel shows on the node's event socket, and a session without events has nothing to flush;
 * - `send` writes several commands in ONE write and resolves each with its reply text, in order: a `sendmsg`
 *   without uuid runs its application at once and replies `+OK` when it returned;
 * - the session ends with `exit`, when the channel hangs up (FreeSWITCH sends a disconnect notice and closes),
 *   or with `close()`; every reply still awaited is then rejected.
 */
export class SocketSession {
  private readonly parser = new FrameParser();
  private readonly replies: Array<{ resolve(text: string): void; reject(error: Error): void }> = [];
  private channelData: Readonly<Record<string, string>> | undefined;
  private closedWith: Error | undefined;
  private readonly whenClosed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    this.whenClosed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined); // `close` follows and settles everything
    socket.once('close', () => this.onClosed(new EslUnavailableError('the channel’s socket closed')));
  }

  /**
   * Starts the session on an accepted connection: resolves with the session once FreeSWITCH sent the channel's
   * data, rejects (and closes) when it does not within `timeoutMs` or the connection ends first.
   */
  static async open(socket: Socket, timeoutMs: number): Promise<SocketSession> {
    const session = new SocketSession(socket);
    const [connected] = session.send([{ line: 'connect' }]) as [Promise<string>];
    const timer = setTimeout(() => session.close(), timeoutMs);
    try {
      await connected;
      session.openedAt = performance.now();
      return session;
    } catch (error) {
      session.close();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** performance.now() when the channel's data and the subscription's reply had arrived (the request is in). */
  openedAt = 0;

  /** The channel's data from the connect reply (header values decoded): its uuid, variables, dialled number… */
  get channel(): Readonly<Record<string, string>> {
    return this.channelData ?? {};
  }

  /** False once the connection ended. */
  get isOpen(): boolean {
    return this.closedWith === undefined;
  }

  /** Resolves when the connection has closed. */
  get closed(): Promise<void> {
    return this.whenClosed;
  }

  /**
   * Writes the commands in one write. Each promise resolves with its reply text (`+OK`, `-ERR …`) or rejects
   * when the connection ends before the reply (e.g. the `exit` after a hangup is never read, capture 16d3).
   */
  send(commands: readonly SocketCommand[]): Array<Promise<string>> {
    // Encoded before anything is queued: a refused command leaves the session as it was.
    const bytes = commands.map((command) => encodeCommand(command.line, command.headers)).join('');
    const pending = commands.map(
      () =>
        new Promise<string>((resolve, reject) => {
          if (this.closedWith) reject(this.closedWith);
          else this.replies.push({ resolve, reject });
        }),
    );
    // Awaited by the caller or not at all (an `exit` reply): never an unhandled rejection.
    for (const reply of pending) reply.catch(() => undefined);
    if (!this.closedWith) this.socket.write(bytes);
    return pending;
  }

  /** Closes the connection: FreeSWITCH then goes on with the channel's dialplan (capture 16f3). */
  close(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let frames: EslFrame[];
    try {
      frames = this.parser.push(chunk);
    } catch (error) {
      this.onClosed(error as EslProtocolError);
      this.socket.destroy();
      return;
    }
    for (const frame of frames) this.onFrame(frame);
  }

  private onFrame(frame: EslFrame): void {
    const type = frame.headers['Content-Type'];
    if (type === 'command/reply') {
      // The connect reply carries the channel's data as URL-encoded headers (16a); other replies only Reply-Text.
      if (this.channelData === undefined) this.channelData = channelDataOf(frame);
      this.replies.shift()?.resolve(safeUrlDecode(frame.headers['Reply-Text'] ?? '').trim());
    }
    // text/disconnect-notice: FreeSWITCH closes right after; `close` settles what is pending.
  }

  private onClosed(reason: Error): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    for (const reply of this.replies.splice(0)) reply.reject(reason);
  }
}

/** The channel's data in a `connect` reply: its headers, URL-decoded (they are sent encoded, capture 16a). */
export function channelDataOf(connectReply: EslFrame): Record<string, string> {
  const decoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(connectReply.headers)) decoded[name] = safeUrlDecode(value);
  return decoded;
}
