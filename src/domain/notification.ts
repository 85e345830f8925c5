/** Longest caller name shown in a pickup notice, in characters (code points). */
export const MAX_NOTICE_NAME_LENGTH = 40;
/** Longest caller number shown in a pickup notice, in characters (code points). */
export const MAX_NOTICE_NUMBER_LENGTH = 32;

/** What a notice shows for a caller name or number that is missing or has nothing printable. */
const UNKNOWN = 'unknown';
const ELLIPSIS = '…';

// Controls and invisible format characters (bidi overrides, zero-width) could break or fake the message on the phone;
// line/paragraph separators start a new line; a lone surrogate is not text; "|" separates the chat API's fields.
const NOT_SHOWN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}|]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/** What a pickup notice is about: a call ringing unanswered in a group the recipient may pick up from. */
export interface PickupNotice {
  /** Caller id number, untrusted (from SIP). */
  readonly callerNumber: string;
  /** Caller id name, untrusted (from SIP). */
  readonly callerName: string;
  readonly group: string;
  readonly ringingSeconds: number;
  /** The pickup feature code, e.g. "88". */
  readonly prefix: string;
}

/**
 * The text of the "call ringing unanswered, you may pick it up" notice (SIP MESSAGE), e.g.
 * `Call from Customer (5551234) ringing in sales for 20 s — dial 88sales to pick up`. Every field loses its control
 * and invisible characters and "|" (a valid group and prefix have none); the caller name and number are trimmed, cut
 * to 40 and 32 characters (ending in "…" when cut) and read "unknown" when nothing is left. Seconds are shown whole;
 * a negative or non-finite value (clocks of two nodes) shows as 0.
 */
export function pickupNoticeText(input: PickupNotice): string {
  const name = shown(input.callerName, MAX_NOTICE_NAME_LENGTH);
  const number = shown(input.callerNumber, MAX_NOTICE_NUMBER_LENGTH);
  const group = clean(input.group);
  return `Call from ${name} (${number}) ringing in ${group} for ${wholeSeconds(input.ringingSeconds)} s — dial ${clean(input.prefix)}${group} to pick up`;
}

function wholeSeconds(seconds: number): string {
  if (!(seconds > 0 && Number.isFinite(seconds))) return '0';
  // BigInt prints every digit; String() would switch to "1e+21" for huge values.
  return BigInt(Math.floor(seconds)).toString();
}

function shown(value: string, maxLength: number): string {
  const characters = Array.from(clean(value).trim());
  if (characters.length === 0) return UNKNOWN;
  if (characters.length <= maxLength) return characters.join('');
  return `${characters.slice(0, maxLength - ELLIPSIS.length).join('').trimEnd()}${ELLIPSIS}`;
}

function clean(value: string): string {
  return value.replace(NOT_SHOWN, '');
}
