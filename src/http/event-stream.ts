import type { ServerResponse } from 'node:http';

/** A client that lets this much pile up unread is too slow to follow: its stream is cut (it reconnects and resumes). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long EventSource waits before reconnecting after the stream ended or broke. */
const RECONNECT_MS = 3_000;
/** A comment line this often keeps proxies and NAT from dropping a quiet stream. */
const DEFAULT_HEARTBEAT_MS = 15_000;

/** How a stream is opened: extra response headers (a page's security headers), and the heartbeat period. */
export interface EventStreamOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly heartbeatMs?: number;
}

/**
 * One server-sent-events response (`text/event-stream`) on a hijacked Fastify reply, for the API's record follow and
 * the board: named events with JSON data and, where the client may resume, an id (what EventSource sends back as
 * Last-Event-ID); comment lines every heartbeat so that proxies and NAT keep a quiet stream open. It ends when `end`
 * is called or the client goes; `onClose` listeners run then.
 */
export class EventStream {
  private readonly heartbeat: NodeJS.Timeout;
  private readonly closeListeners: Array<() => void> = [];
  /** Nothing more is written once the stream is ending or closed. */
  private writable = true;
  private isClosed = false;

  constructor(
    private readonly response: ServerResponse,
    options: EventStreamOptions = {},
  ) {
    response.writeHead(200, {
      ...options.headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // The socket goes with the stream: a stopping server is not held by it afterwards as an idle keep-alive.
      connection: 'close',
      // nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    this.write(`retry: ${RECONNECT_MS}\n\n`);
    this.heartbeat = setInterval(() => this.comment('heartbeat'), options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    // 'close' comes once: after the end, or when the client went away.
    response.once('close', () => this.closed());
  }

  /** One event; JSON holds no raw line break, so its data is one `data:` line. */
  send(event: string, data: unknown, id?: string): void {
    this.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** A comment line: ignored by clients, it keeps the connection in use. */
  comment(text: string): void {
    this.write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`);
  }

  /** Runs once, when the stream is over (ended here, or by the client). */
  onClose(listener: () => void): void {
    if (this.isClosed) listener();
    else this.closeListeners.push(listener);
  }

  end(): void {
    if (!this.writable) return;
    this.writable = false;
    this.response.end();
  }

  private write(chunk: string): void {
    if (!this.writable) return;
    this.response.write(chunk);
    if (this.response.writableLength > MAX_BUFFERED_BYTES) this.response.destroy();
  }

  private closed(): void {
    this.writable = false;
    this.isClosed = true;
    clearInterval(this.heartbeat);
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
