/**
 * A strict event-socket client for the simulator's tests: real TCP, frames split by Content-Length
 * (bytes), replies matched to commands in order, events decoded and kept. It also plays the
 * controller's end of an outbound (`socket` application) session (`accepted`, stand-in-controller.ts).
 */
import { connect, type Socket } from 'node:net';
import { decodeEventFrame, type DecodedEvent } from './capture-reader.ts';
import { SimulatorTimeoutError } from './errors.ts';
import { FrameReader, headerOf, type RawFrame } from './frame-reader.ts';

const REPLY_TYPES = new Set(['command/reply', 'api/response']);

/** A connected test client. */
export class EslTestClient {
  /** Every frame received, in order. */
  readonly frames: RawFrame[] = [];
  /** Every event received, decoded, in order. */
  readonly events: DecodedEvent[] = [];
  /** The raw bytes received (for byte-exact comparisons). */
  readonly received: Buffer[] = [];
  /** Every command sent with `command()`, without its terminating blank line. */
  readonly sent: string[] = [];
  private readonly reader = new FrameReader();
  private readonly replyWaiters: Array<(frame: RawFrame) => void> = [];
  private readonly unclaimedReplies: RawFrame[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;
  private readonly closedPromise: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received.push(chunk);
      for (const frame of this.reader.push(chunk)) this.accept(frame);
      for (const listener of [...this.listeners]) listener();
    });
    this.closedPromise = new Promise((resolve) => socket.on('close', () => {
      this.closed = true;
      for (const listener of [...this.listeners]) listener();
      resolve();
    }));
    socket.on('error', () => undefined);
  }

  /** Connects and waits for `auth/request`. */
  static async connect(port: number): Promise<EslTestClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    const client = new EslTestClient(socket);
    await client.waitFor(() => client.frames.length > 0, 'auth/request');
    return client;
  }

  /** The controller's end of a connection the simulator's `socket` application opened (FreeSWITCH sends nothing first). */
  static accepted(socket: Socket): EslTestClient {
    socket.setNoDelay(true);
    return new EslTestClient(socket);
  }

  /** Connects, authenticates and subscribes (`event <format> <names>`). */
  static async subscribed(port: number, subscription = 'plain ALL', password = 'ClueCon'): Promise<EslTestClient> {
    const client = await EslTestClient.connect(port);
    await client.command(`auth ${password}`);
    await client.command(`event ${subscription}`);
    return client;
  }

  /** Sends a command (the blank line is added) and resolves its reply frame. */
  command(text: string): Promise<RawFrame> {
    const reply = this.nextReply();
    this.sent.push(text);
    this.socket.write(`${text}\n\n`);
    return reply;
  }

  /** Sends raw bytes without waiting. */
  write(bytes: string): void {
    this.socket.write(bytes);
  }

  /** The next reply frame not yet claimed. */
  nextReply(): Promise<RawFrame> {
    const ready = this.unclaimedReplies.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => this.replyWaiters.push(resolve));
  }

  /** Resolves the first event (already received or future) that matches. */
  async waitForEvent(predicate: (event: DecodedEvent) => boolean, what = 'event', timeoutMs = 5_000): Promise<DecodedEvent> {
    let found: DecodedEvent | undefined;
    await this.waitFor(() => (found = this.events.find(predicate)) !== undefined, what, timeoutMs);
    return found!;
  }

  /** Resolves when `condition` holds, re-checked on every received chunk. */
  waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        this.listeners.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new SimulatorTimeoutError(what, timeoutMs));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Resolves when the server closes the connection. */
  whenClosed(): Promise<void> {
    return this.closedPromise;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes received but not part of a complete frame. */
  get leftover(): number {
    return this.reader.leftover;
  }

  close(): void {
    this.socket.destroy();
  }

  private accept(frame: RawFrame): void {
    this.frames.push(frame);
    const event = decodeEventFrame(frame);
    if (event) this.events.push(event);
    if (!REPLY_TYPES.has(headerOf(frame, 'Content-Type') ?? '')) return;
    const waiter = this.replyWaiters.shift();
    if (waiter) waiter(frame);
    else this.unclaimedReplies.push(frame);
  }
}

/** The Reply-Text of a command/reply frame. */
export function replyText(frame: RawFrame): string | undefined {
  return headerOf(frame, 'Reply-Text');
}

/** The body of a frame as text. */
export function bodyText(frame: RawFrame): string {
  return frame.body.toString('utf8');
}
