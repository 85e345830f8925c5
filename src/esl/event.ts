import { EslProtocolError } from './errors.ts';
import { type EslFrame, parseHeaderBlock, safeUrlDecode } from './frame-parser.ts';

/** A FreeSWITCH event, whatever format it came in (json or plain). */
export interface EslEvent {
  readonly name: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const EVENT_CONTENT_TYPES = new Set(['text/event-json', 'text/event-plain']);

/** True when the frame carries an event (as opposed to a command reply, api response, auth request…). */
export function isEventFrame(frame: EslFrame): boolean {
  return EVENT_CONTENT_TYPES.has(frame.headers['Content-Type'] ?? '');
}

/** Turns an event frame into an EslEvent. Throws EslProtocolError when the body is not a valid event. */
export function decodeEvent(frame: EslFrame): EslEvent {
  const headers = frame.headers['Content-Type'] === 'text/event-json' ? decodeJsonBody(frame.body) : decodePlainBody(frame.body);
  const body = headers._body ?? '';
  delete headers._body;
  const name = headers['Event-Name'];
  if (!name) throw new EslProtocolError('event without Event-Name');
  return { name, headers, body };
}

function decodeJsonBody(body: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new EslProtocolError(`event body is not JSON: ${(err as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new EslProtocolError('event body is not a JSON object');
  }
  const headers = parsed as Record<string, unknown>;
  // FreeSWITCH sends every value as a string; anything else is stringified rather than trusted.
  for (const name in headers) {
    if (typeof headers[name] !== 'string') headers[name] = JSON.stringify(headers[name]);
  }
  return headers as Record<string, string>;
}

/** Plain event bodies hold URL-encoded `Name: value` lines, then optionally an inner Content-Length and body. */
function decodePlainBody(body: string): Record<string, string> {
  const split = body.indexOf('\n\n');
  const headerText = split === -1 ? body : body.slice(0, split);
  const headers = parseHeaderBlock(headerText, safeUrlDecode);
  const innerLength = headers['Content-Length'];
  if (innerLength !== undefined && split !== -1) {
    const bytes = Buffer.from(body.slice(split + 2), 'utf8');
    headers._body = bytes.toString('utf8', 0, Math.min(bytes.length, Number(innerLength) || 0));
  }
  return headers;
}
