/**
 * Splits what a client writes into ESL commands, as mod_event_socket's `read_packet` does: a first
 * line (the command), `Name: value` header lines, a blank line, and — if a `Content-Length` header
 * was sent — that many bytes of body. Each command says how many TCP reads it came in: a client that
 * writes a command in pieces stalls on a real switch (Nagle + delayed ACK), so tests check for 1.
 */
import { performance } from 'node:perf_hooks';

/** One command as received: the exact text, its first line, headers and optional body. */
export interface ReceivedCommand {
  readonly connectionId: number;
  /** The exact bytes of the command (header block, blank line and body), as text. */
  readonly raw: string;
  /** The first word, lower-cased: 'api', 'bgapi', 'sendmsg', 'event', 'auth', … */
  readonly name: string;
  /** The first line, without line ending. */
  readonly line: string;
  /** Header lines after the first, by name as sent (in order; a repeated name keeps its last value). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** How many TCP reads (socket `data` chunks) carried the command's bytes. */
  readonly chunks: number;
  /** performance.now() when its first byte arrived. */
  readonly firstByteAt: number;
  /** Ordinal of the TCP read (on this connection) that carried the command's first byte: commands written together share it. */
  readonly firstRead: number;
  /** The controlled channel's uuid on an outbound (`socket` application) session; absent on inbound connections. */
  readonly session?: string;
}

const BLANK_LINE = Buffer.from('\n\n');

/** Incremental reader of one connection's command stream. */
export class CommandReader {
  private pending: Buffer = Buffer.alloc(0);
  // Reads that carried bytes of the command now being assembled, and when its first byte came.
  private partialChunks = 0;
  private partialSince = 0;
  private partialRead = 0;
  private reads = 0;

  constructor(
    private readonly connectionId: number,
    private readonly session?: string,
  ) {}

  /** Whether part of a command has arrived and the rest has not. */
  get hasPartial(): boolean {
    return this.partialChunks > 0;
  }

  /** Appends received bytes (one TCP read) and returns every complete command. */
  push(chunk: Buffer): ReceivedCommand[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    this.reads++;
    if (this.partialChunks++ === 0) {
      this.partialSince = performance.now();
      this.partialRead = this.reads;
    }
    const commands: ReceivedCommand[] = [];
    for (;;) {
      // Stray newlines between commands are ignored, as read_packet skips empty lines.
      let start = 0;
      while (start < this.pending.length && (this.pending[start] === 0x0a || this.pending[start] === 0x0d)) start++;
      const end = this.pending.indexOf(BLANK_LINE, start);
      if (end < 0) {
        this.pending = this.pending.subarray(start);
        if (this.pending.length === 0) this.partialChunks = 0;
        return commands;
      }
      const lines = this.pending.toString('utf8', start, end).split('\n').map((l) => l.replace(/\r$/, ''));
      const headers: Record<string, string> = {};
      for (const headerLine of lines.slice(1)) {
        const colon = headerLine.indexOf(':');
        if (colon > 0) headers[headerLine.slice(0, colon)] = headerLine.slice(colon + 1).replace(/^ /, '');
      }
      const length = headerValue(headers, 'content-length');
      const bodyStart = end + BLANK_LINE.length;
      const bodyEnd = bodyStart + (length ? Number(length) || 0 : 0);
      if (bodyEnd > this.pending.length) {
        this.pending = this.pending.subarray(start);
        return commands;
      }
      const line = lines[0] ?? '';
      commands.push({
        connectionId: this.connectionId,
        raw: this.pending.toString('utf8', start, bodyEnd),
        name: (line.split(' ')[0] ?? '').toLowerCase(),
        line,
        headers,
        ...(length ? { body: this.pending.toString('utf8', bodyStart, bodyEnd) } : {}),
        chunks: this.partialChunks,
        firstByteAt: this.partialSince,
        firstRead: this.partialRead,
        ...(this.session === undefined ? {} : { session: this.session }),
      });
      this.pending = this.pending.subarray(bodyEnd);
      // What is left came with this read.
      this.partialChunks = 1;
      this.partialSince = performance.now();
      this.partialRead = this.reads;
    }
  }
}

/** A header of a received command, its name compared case-insensitively (as switch_event_get_header does). */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === lower) return value;
  return undefined;
}
