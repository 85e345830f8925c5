/**
 * Reads what FreeSWITCH (or our simulator) sent on an event socket: frames split by Content-Length,
 * `text/event-plain` bodies URL-decoded, `text/event-json` bodies parsed. Used to compare the
 * simulator with the real captures in test/fixtures/freeswitch-captures.
 */
import { captureBytes, hasCapture } from '../helpers/captures.ts';
import { CommandReader, type ReceivedCommand } from './command-reader.ts';
import { FrameSyntaxError } from './errors.ts';
import { headerOf, parseHeaderBlock, splitFrames, type RawFrame } from './frame-reader.ts';

/** One decoded event: headers in wire order (values decoded) and the event's own body, if any. */
export interface DecodedEvent {
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string | undefined;
  /** First value of a header (exact name). */
  get(name: string): string | undefined;
}

/** All frames of a capture file; throws if the file does not frame cleanly. */
export function readCaptureFrames(fileName: string): RawFrame[] {
  const { frames, leftover } = splitFrames(captureBytes(fileName));
  if (leftover !== 0) throw new FrameSyntaxError(`${fileName}: ${leftover} bytes after the last frame`);
  return frames;
}

/** Decodes an event frame (plain or json); undefined for replies and other non-event frames. */
export function decodeEventFrame(frame: RawFrame): DecodedEvent | undefined {
  const type = headerOf(frame, 'Content-Type');
  if (type === 'text/event-plain') return decodePlainEventBody(frame.body);
  if (type === 'text/event-json') return decodeJsonEventBody(frame.body);
  return undefined;
}

/** Every event in a capture file, in wire order. */
export function readCaptureEvents(fileName: string): DecodedEvent[] {
  return readCaptureFrames(fileName).flatMap((frame) => decodeEventFrame(frame) ?? []);
}

/** One command a capture client sent and the reply frame FreeSWITCH gave it. */
export interface CapturedExchange {
  readonly command: ReceivedCommand;
  readonly reply: RawFrame | undefined;
}

const REPLY_TYPES = new Set(['command/reply', 'api/response']);

/**
 * The commands of `<file>.sent` paired in order with the replies in `<file>` (every command gets
 * exactly one command/reply or api/response); an empty list when the capture has no `.sent`.
 */
export function readCaptureSession(fileName: string): CapturedExchange[] {
  if (!hasCapture(`${fileName}.sent`)) return [];
  const commands = new CommandReader(0).push(captureBytes(`${fileName}.sent`));
  const replies = readCaptureFrames(fileName).filter((frame) => REPLY_TYPES.has(headerOf(frame, 'Content-Type') ?? ''));
  return commands.map((command, index) => ({ command, reply: replies[index] }));
}

/** Percent-decodes like FreeSWITCH's `switch_url_decode`: `%XX` to a byte, everything else kept. */
export function urlDecode(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  const source = Buffer.from(value, 'utf8');
  for (let i = 0; i < source.length; i++) {
    const hex = source.toString('latin1', i + 1, i + 3);
    if (source[i] === 0x25 && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(source[i]!);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodePlainEventBody(body: Buffer): DecodedEvent {
  const separator = body.indexOf('\n\n');
  const headerText = body.toString('utf8', 0, separator < 0 ? body.length : separator);
  const headers = parseHeaderBlock(headerText).map(([name, value]): [string, string] => [name, urlDecode(value)]);
  const innerLength = headers.find(([name]) => name === 'Content-Length')?.[1];
  const inner = innerLength === undefined ? undefined : body.subarray(separator + 2, separator + 2 + Number(innerLength));
  return makeEvent(headers, inner?.toString('utf8'));
}

// One `"name":value` member of a flat json event; value is a string or an array of strings.
const JSON_MEMBER = /\s*("(?:[^"\\]|\\.)*")\s*:\s*("(?:[^"\\]|\\.)*"|\[(?:\s*"(?:[^"\\]|\\.)*"\s*,?)*\s*\])\s*([,}])/y;

/**
 * Reads a json event member by member, so that repeated names (FreeSWITCH writes some headers
 * twice) survive, unlike JSON.parse. Array headers (DP_MATCH, originated_legs…) become the
 * `ARRAY::a|:b` text plain shows.
 */
function decodeJsonEventBody(body: Buffer): DecodedEvent {
  const text = body.toString('utf8');
  if (!text.startsWith('{')) throw new FrameSyntaxError('json event does not start with {');
  const headers: Array<[string, string]> = [];
  let eventBody: string | undefined;
  for (let position = 1; ; position = JSON_MEMBER.lastIndex) {
    JSON_MEMBER.lastIndex = position;
    const member = JSON_MEMBER.exec(text);
    if (!member) throw new FrameSyntaxError(`json event member unreadable at offset ${position}`);
    const name = JSON.parse(member[1]!) as string;
    const value = JSON.parse(member[2]!) as string | string[];
    const flat = Array.isArray(value) ? `ARRAY::${value.join('|:')}` : value;
    if (name === '_body') eventBody = flat;
    else headers.push([name, flat]);
    if (member[3] === '}') return makeEvent(headers, eventBody);
  }
}

function makeEvent(headers: Array<[string, string]>, body: string | undefined): DecodedEvent {
  return { headers, body, get: (name) => headers.find(([key]) => key === name)?.[1] };
}
