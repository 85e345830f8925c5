/**
 * Bytes on the event socket, exactly as mod_event_socket writes them: command replies, api
 * responses, the disconnect notice, and event frames in plain (URL-encoded values) or json.
 */

/** One header of an event or reply, in wire order (duplicates allowed, as FreeSWITCH allows them). */
export type Header = readonly [name: string, value: string];

/** Event serialisation formats a listener can ask for. */
export type EventFormat = 'plain' | 'json' | 'xml';

/** What FreeSWITCH sends on connect. */
export const AUTH_REQUEST = Buffer.from('Content-Type: auth/request\n\n');

const GOODBYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

/** The notice FreeSWITCH sends before closing a connection (`exit`, failed auth). */
export const DISCONNECT_NOTICE = Buffer.from(
  `Content-Type: text/disconnect-notice\nContent-Length: ${Buffer.byteLength(GOODBYE)}\n\n${GOODBYE}`,
);

/**
 * The notice an outbound (`socket` application) session ends with, naming the channel it controlled:
 * headers and body, which FreeSWITCH sends in two writes (16f: two TCP reads).
 */
export function sessionDisconnectNotice(uuid: string): [headers: Buffer, body: Buffer] {
  return [
    Buffer.from(
      `Content-Type: text/disconnect-notice\nControlled-Session-UUID: ${uuid}\nContent-Disposition: disconnect\nContent-Length: ${Buffer.byteLength(GOODBYE)}\n\n`,
    ),
    Buffer.from(GOODBYE),
  ];
}

/** `command/reply` with a Reply-Text and optional extra headers (bgapi's Job-UUID). */
export function commandReply(replyText: string, extra: readonly Header[] = []): Buffer {
  const lines = [`Content-Type: command/reply`, `Reply-Text: ${replyText}`, ...extra.map(([k, v]) => `${k}: ${v}`)];
  return Buffer.from(`${lines.join('\n')}\n\n`);
}

/** `api/response`: Content-Type first, Content-Length in bytes, body not followed by a newline. */
export function apiResponse(body: string): Buffer {
  const bytes = Buffer.from(body);
  return Buffer.concat([Buffer.from(`Content-Type: api/response\nContent-Length: ${bytes.length}\n\n`), bytes]);
}

/** An event frame: here Content-Length comes before Content-Type, as FreeSWITCH writes it. */
export function eventFrame(format: EventFormat, serialized: string): Buffer {
  const length = Buffer.byteLength(serialized);
  const head = `Content-Length: ${length}\nContent-Type: text/event-${format}\n\n`;
  const frame = Buffer.allocUnsafe(head.length + length);
  frame.write(head, 0, 'latin1');
  frame.write(serialized, head.length, 'utf8');
  return frame;
}

const URL_UNSAFE = new Set(Buffer.from('\r\n #%&+:;<=>?@[\\]^`{|}"'));
const UPPER_HEX = /^[0-9A-F]$/;
// Fast path: printable ASCII outside the unsafe set (and no `%`) is copied unchanged.
const ALWAYS_SAFE = /^[!$'()*,\-./0-9A-Z_a-z~]*$/;

/**
 * `switch_url_encode` (src/switch_utils.c) over the UTF-8 bytes: control bytes, bytes above `~` and
 * the unsafe set become `%XX` (upper-case hex). Like FreeSWITCH (double_encode off), a `%` already
 * followed by two *upper-case* hex digits is kept as is, so `%0A` passes through while `%0a` becomes `%250a`.
 */
export function urlEncode(value: string): string {
  if (ALWAYS_SAFE.test(value)) return value;
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    const keepsEscape =
      byte === 0x25 && i + 2 < bytes.length && isUpperHex(bytes[i + 1]!) && isUpperHex(bytes[i + 2]!);
    if (!keepsEscape && (byte < 0x20 || byte > 0x7e || URL_UNSAFE.has(byte))) {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      out += String.fromCharCode(byte);
    }
  }
  return out;
}

function isUpperHex(byte: number): boolean {
  return UPPER_HEX.test(String.fromCharCode(byte));
}

/**
 * `switch_event_serialize(…, encode=TRUE)`: `Name: value\n` per header (empty values as `_undef_`),
 * then a blank line, or `Content-Length: n\n\n<body>` when the event has a body.
 */
export function serializePlain(headers: readonly Header[], body: string | undefined): string {
  let out = '';
  for (const [name, value] of headers) out += `${name}: ${value === '' ? '_undef_' : urlEncode(value)}\n`;
  if (body !== undefined && body !== '') return `${out}Content-Length: ${Buffer.byteLength(body)}\n\n${body}`;
  return `${out}\n`;
}

// Array headers (`ARRAY::a|:b`, e.g. originated_legs with several legs) become JSON arrays.
function jsonValue(value: string): string {
  return value.startsWith('ARRAY::') ? JSON.stringify(value.slice('ARRAY::'.length).split('|:')) : JSON.stringify(value);
}

/**
 * `switch_event_serialize_json`: one flat object of strings (duplicate names kept), and with a body
 * a `Content-Length` member (bytes, as a string) followed by `_body`.
 */
export function serializeJson(headers: readonly Header[], body: string | undefined): string {
  const members = headers.map(([name, value]) => `${JSON.stringify(name)}:${jsonValue(value)}`);
  if (body !== undefined) {
    members.push(`"Content-Length":"${Buffer.byteLength(body)}"`, `"_body":${JSON.stringify(body)}`);
  }
  return `{${members.join(',')}}`;
}
