import modesl from 'modesl';

type ReplyCallback = (reply: InstanceType<typeof modesl.Event>) => void;
import type { Socket } from 'node:net';
import { type CommandHeaders, encodeCommand } from './command.ts';
import { decodeEvent, type EslEvent, isEventFrame } from './event.ts';
import { type EslFrame, FrameParser } from './frame-parser.ts';

/** Where a connection delivers what it reads. Called synchronously from the socket's data handler. */
export interface FrameSink {
  /** A decoded event (channel events, BACKGROUND_JOB, HEARTBEAT…). */
  onEvent(event: EslEvent): void;
  /** The stream cannot be framed any more; the socket is destroyed right after. */
  onProtocolError(error: Error): void;
  /** One frame could not be used (bad event body, or a modesl handler threw); the stream goes on. */
  onFrameError(error: Error): void;
}

/**
 * modesl's Connection with our framer in place of modesl's Parser. modesl still does the handshake (`auth`)
 * and matches command replies to callers (`sendRecv`, FIFO); events go straight to the sink as EslEvents.
 * This removes modesl's process-crash paths (`decodeURIComponent` on outer headers, exceptions thrown from
 * listeners inside the socket's data handler) and its quadratic re-buffering of large replies. modesl's `send`
 * is replaced too: it writes a command line by line, which costs ~40 ms per command on a real switch (Nagle
 * and delayed ACK); here every command is one write on a TCP_NODELAY socket.
 */
class FramedConnection extends modesl.Connection {
  constructor(
    host: string,
    port: number,
    password: string,
    private readonly sink: FrameSink,
  ) {
    super(host, port, password);
  }

  // Both replace modesl's versions, which write line by line through `send`. The command is encoded (and
  // checked: it throws on a control character) before its reply callback is queued, so a refused command can
  // never shift the replies of the commands after it.
  override sendRecv(command: string, args: CommandHeaders | null | ReplyCallback, callback?: ReplyCallback): void {
    // modesl itself calls sendRecv(command, callback) (auth); we call sendRecv(command, headers, callback).
    const [headers, onReply] = typeof args === 'function' ? [{}, args] : [args ?? {}, callback];
    const bytes = encodeCommand(command, headers);
    this.cmdCallbackQueue.push(onReply ?? (() => undefined));
    (this.socket as Socket).write(bytes);
  }

  override api(command: string, callback: ReplyCallback): void {
    const bytes = encodeCommand(`api ${command}`);
    this.apiCallbackQueue.push(callback);
    (this.socket as Socket).write(bytes);
  }

  override _onConnect(): void {
    const socket = this.socket as Socket;
    socket.setNoDelay(true);
    const parser = new FrameParser();
    socket.on('data', (chunk: Buffer) => {
      let frames: EslFrame[];
      try {
        frames = parser.push(chunk);
      } catch (error) {
        this.sink.onProtocolError(error as Error);
        socket.destroy();
        return;
      }
      for (const frame of frames) this.dispatch(frame);
    });
    this.connecting = false;
    this.on('esl::event::auth::request', () => this.auth());
  }

  private dispatch(frame: EslFrame): void {
    try {
      if (isEventFrame(frame)) {
        this.sink.onEvent(decodeEvent(frame));
        return;
      }
      const event = new modesl.Event({ ...frame.headers }, frame.body);
      // modesl's own parser adds these; its auth() reads Modesl-Reply-OK.
      const reply = frame.headers['Reply-Text'];
      if (reply?.startsWith('+OK')) event.addHeader('Modesl-Reply-OK', reply.slice(4));
      else if (reply?.startsWith('-ERR')) event.addHeader('Modesl-Reply-ERR', reply.slice(5));
      this._onEvent(event, { ...frame.headers }, frame.body);
    } catch (error) {
      this.sink.onFrameError(error as Error);
    }
  }
}

/** The handle the ESL client keeps on one TCP connection. */
export interface ModeslHandle {
  readonly socket: Socket;
  /** Sends a command and resolves with FreeSWITCH's command/reply text (modesl's FIFO matching). */
  sendRecv(command: string, headers?: CommandHeaders): Promise<string>;
  /** Sends `api <command>` and resolves with the api/response body (modesl's FIFO matching). */
  sendApi(command: string): Promise<string>;
  on(event: 'authenticated' | 'auth-failed' | 'disconnect-notice', listener: () => void): void;
}

/** Opens one inbound ESL connection. The only place in the project that touches modesl. */
export function openModeslConnection(host: string, port: number, password: string, sink: FrameSink): ModeslHandle {
  const connection = new FramedConnection(host, port, password, sink);
  const socket = connection.socket as Socket;
  // modesl re-emits socket errors; without a listener EventEmitter2 would throw them. The client watches `close`.
  connection.on('error', () => undefined);
  return {
    socket,
    sendRecv(command, headers) {
      return new Promise((resolve) => {
        connection.sendRecv(command, headers ?? null, (reply) => resolve(reply.getHeader('Reply-Text') ?? ''));
      });
    },
    sendApi(command) {
      return new Promise((resolve) => {
        connection.api(command, (reply) => resolve(reply.getBody()));
      });
    },
    on(event, listener) {
      const name = {
        authenticated: 'esl::event::auth::success',
        'auth-failed': 'esl::event::auth::fail',
        'disconnect-notice': 'esl::event::disconnect::notice',
      }[event];
      connection.on(name, listener);
    },
  };
}
