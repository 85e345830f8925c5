/** Longest part of a value quoted in a message; admin input and dialled strings can be kilobytes long. */
const MAX_QUOTED_LENGTH = 80;

// JSON.stringify escapes quotes, backslashes, C0 controls and lone surrogates, but leaves DEL, C1 controls,
// invisible format characters (bidi overrides, zero-width space, BOM) and line/paragraph separators raw.
// Those could hide or fake text in a log line or a terminal, so they are escaped too.
const UNESCAPED_INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * Quotes an untrusted value for a message shown to people: double quotes, every invisible or control character
 * escaped as in JSON, cut after 80 characters with the full length stated.
 */
export function quote(value: string): string {
  let shown = value;
  if (value.length > MAX_QUOTED_LENGTH) {
    shown = value.slice(0, MAX_QUOTED_LENGTH);
    // Do not cut a surrogate pair in half.
    if (/[\uD800-\uDBFF]$/.test(shown)) shown = shown.slice(0, -1);
  }
  const quoted = JSON.stringify(shown).replace(UNESCAPED_INVISIBLE, escapeCodeUnit);
  return shown === value ? quoted : `${quoted}… (${value.length} characters)`;
}

function escapeCodeUnit(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
