/**
 * A strict reader of the byte stream FreeSWITCH's event socket sends: header blocks ended by a blank
 * line, then exactly `Content-Length` bytes of body (never followed by a newline). Used by the capture
 * reader and by the tests' TCP client, so both read our simulator exactly as they read real captures.
 */
import { FrameSyntaxError } from './errors.ts';

/** One frame as it was on the wire: outer headers in order (values not decoded) and the raw body. */
export interface RawFrame {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: Buffer;
}

/** The value of the first header with this name (exact case), if any. */
export function headerOf(frame: RawFrame, name: string): string | undefined {
  return frame.headers.find(([key]) => key === name)?.[1];
}

const BLANK_LINE = Buffer.from('\n\n');

/** Incremental frame splitter: push chunks as they arrive, get the complete frames back. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);

  /** Appends a chunk and returns every frame it completes. */
  push(chunk: Buffer): RawFrame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: RawFrame[] = [];
    let offset = 0;
    for (;;) {
      const frame = readFrameAt(this.pending, offset);
      if (!frame) break;
      frames.push(frame.frame);
      offset = frame.next;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }

  /** Bytes received but not yet part of a complete frame. */
  get leftover(): number {
    return this.pending.length;
  }
}

/** Splits a whole buffer (e.g. a capture file) into frames; `leftover` counts trailing incomplete bytes. */
export function splitFrames(bytes: Buffer): { frames: RawFrame[]; leftover: number } {
  const reader = new FrameReader();
  const frames = reader.push(bytes);
  return { frames, leftover: reader.leftover };
}

function readFrameAt(buffer: Buffer, start: number): { frame: RawFrame; next: number } | undefined {
  const end = buffer.indexOf(BLANK_LINE, start);
  if (end < 0) return undefined;
  const headers = parseHeaderBlock(buffer.toString('utf8', start, end));
  const lengthText = headers.find(([key]) => key === 'Content-Length')?.[1];
  const bodyStart = end + BLANK_LINE.length;
  if (lengthText === undefined) return { frame: { headers, body: Buffer.alloc(0) }, next: bodyStart };
  if (!/^\d+$/.test(lengthText)) throw new FrameSyntaxError(`Content-Length ${JSON.stringify(lengthText)}`);
  const bodyEnd = bodyStart + Number(lengthText);
  if (bodyEnd > buffer.length) return undefined;
  return { frame: { headers, body: buffer.subarray(bodyStart, bodyEnd) }, next: bodyEnd };
}

/** Parses `Name: value` lines; a leading blank line (stray newline between frames) is skipped. */
export function parseHeaderBlock(text: string): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(': ');
    if (colon <= 0) throw new FrameSyntaxError(`header line ${JSON.stringify(line.slice(0, 80))}`);
    headers.push([line.slice(0, colon), line.slice(colon + 2)]);
  }
  return headers;
}
