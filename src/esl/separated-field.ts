/**
 * One field of an API argument that FreeSWITCH splits with switch_separate_string (`chat`'s `|`-separated fields):
 * there a backslash escapes the next character — `\n` even becomes a line break —, a pair of `'` quotes a run and
 * disappears, and the delimiter splits. Text from callers (a caller name) must arrive as it was, so backslashes,
 * quotes and the delimiter are escaped. Leading and trailing spaces are still dropped by FreeSWITCH. Pure.
 */
export function escapeSeparatedField(text: string, delimiter: string): string {
  let escaped = '';
  for (const character of text) escaped += character === '\\' || character === "'" || character === delimiter ? `\\${character}` : character;
  return escaped;
}
