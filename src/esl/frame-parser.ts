import { EslProtocolError } from './errors.ts';

/** One ESL frame: the outer header block and the body announced by its Content-Length. */
export interface EslFrame {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Larger than any real reply (`show channels as json` of ~10k channels is ~20 MB) yet bounded. */
export const MAX_FRAME_BODY_BYTES = 256 * 1024 * 1024;

/** 500 times the largest header block FreeSWITCH writes (a connect reply with a channel's data, ~30 KB). */
export const MAX_HEADER_BLOCK_BYTES = 16 * 1024 * 1024;

const HEADER_END = Buffer.from('\n\n');

/**
 * Incremental ESL framer. FreeSWITCH frames are `Name: value` lines, a blank line, then exactly Content-Length
 * bytes of body, with no separator after the body. Chunks are kept as a list and joined once per frame, so a
 * 20 MB `api/response` costs one copy instead of one per TCP chunk (modesl re-concatenates on every chunk).
 * Outer header values are taken verbatim: FreeSWITCH does not URL-encode them on inbound connections, and
 * decoding them is what lets a `%` in `Reply-Text` crash modesl.
 */
export class FrameParser {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private pendingHeaders: Record<string, string> | undefined;
  private bodyLength = 0;
  /** Where the search for the header end resumes: bytes before it were searched already. */
  private searchFrom = 0;

  /** Feeds bytes; returns every frame they complete. Throws EslProtocolError when framing is lost. */
  push(chunk: Buffer): EslFrame[] {
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: EslFrame[] = [];
    for (;;) {
      const frame = this.pendingHeaders ? this.takeBody(this.pendingHeaders) : this.takeHeaders();
      if (frame === 'need-more') return frames;
      if (frame) frames.push(frame);
    }
  }

  /** Bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  private joined(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(bytes: number): void {
    const rest = this.joined().subarray(bytes);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    this.searchFrom = 0;
  }

  private takeHeaders(): EslFrame | undefined | 'need-more' {
    if (this.buffered === 0) return 'need-more';
    const data = this.joined();
    // Tolerate stray blank lines between frames (some clients and old switches send them).
    let start = 0;
    while (start < data.length && data[start] === 0x0a) start++;
    if (start > 0) {
      this.consume(start);
      return undefined;
    }
    const end = data.indexOf(HEADER_END, Math.max(0, this.searchFrom - 1));
    if (end === -1 || end > MAX_HEADER_BLOCK_BYTES) {
      if (data.length > MAX_HEADER_BLOCK_BYTES) throw new EslProtocolError(`a header block longer than ${MAX_HEADER_BLOCK_BYTES} bytes`);
      this.searchFrom = data.length;
      return 'need-more';
    }
    const headers = parseHeaderBlock(data.toString('utf8', 0, end), (value) => value);
    this.consume(end + 2);
    checkFraming(headers);
    const lengthText = headers['Content-Length'];
    if (lengthText === undefined) return { headers, body: '' };
    if (!/^\d{1,10}$/.test(lengthText) || Number(lengthText) > MAX_FRAME_BODY_BYTES) {
      throw new EslProtocolError(`invalid Content-Length ${JSON.stringify(lengthText.slice(0, 40))}`);
    }
    this.pendingHeaders = headers;
    this.bodyLength = Number(lengthText);
    return undefined;
  }

  private takeBody(headers: Record<string, string>): EslFrame | 'need-more' {
    if (this.buffered < this.bodyLength) return 'need-more';
    const body = this.joined().toString('utf8', 0, this.bodyLength);
    this.consume(this.bodyLength);
    this.pendingHeaders = undefined;
    this.bodyLength = 0;
    return { headers, body };
  }
}

/**
 * Every frame FreeSWITCH writes names its Content-Type, and an event always has a body. A header block without
 * them is the middle of something else: the stream lost its framing (a Content-Length that lied), and reading on
 * would misread every frame after it, so the connection must be reset.
 */
function checkFraming(headers: Readonly<Record<string, string>>): void {
  const type = headers['Content-Type'];
  if (type === undefined) throw new EslProtocolError('a frame without Content-Type: framing lost');
  if (type.startsWith('text/event-') && headers['Content-Length'] === undefined) throw new EslProtocolError(`a ${type} frame without Content-Length: framing lost`);
}

/**
 * Parses `Name: value` lines. A line without `: ` is kept with an empty value rather than failing the frame:
 * the header block is already delimited, so one odd line cannot desynchronise the stream.
 */
export function parseHeaderBlock(text: string, decodeValue: (raw: string) => string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const colon = line.indexOf(': ');
    if (colon === -1) {
      const bare = line.endsWith(':') ? line.slice(0, -1) : line;
      headers[bare] = '';
      continue;
    }
    headers[line.slice(0, colon)] = decodeValue(line.slice(colon + 2));
  }
  return headers;
}

/** decodeURIComponent that never throws: a malformed escape (e.g. `100%`) is left as it is. */
export function safeUrlDecode(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    // Decode each run of escapes on its own, so one stray `%` keeps the rest (and multi-byte UTF-8) readable.
    return raw.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}
