/**
 * FreeSWITCH's switch_separate_string for a delimiter other than a space (switch_utils.c,
 * separate_string_char_delim + cleanup_separated_string), which the `chat` API and many others use to split their
 * argument: a `'` opens a quoted run when another `'` follows (a delimiter inside does not split), a backslash
 * escapes the next character, and `\n` `\r` `\t` `\s` stand for a line break, return, tab and space. Quotes and
 * escapes are then removed and each field loses its leading and trailing spaces. At most `maxFields` fields:
 * the last one keeps the rest of the text, delimiters included.
 */
export function separateString(text: string, delimiter: string, maxFields: number): string[] {
  const raw: string[] = [];
  let start = 0;
  let insideQuotes = false;
  for (let i = 0; i < text.length && raw.length < maxFields - 1; i++) {
    const character = text[i];
    if (character === '\\') i++;
    else if (character === "'" && (insideQuotes || text.indexOf("'", i + 1) >= 0)) insideQuotes = !insideQuotes;
    else if (character === delimiter && !insideQuotes) {
      raw.push(text.slice(start, i));
      start = i + 1;
    }
  }
  raw.push(text.slice(start));
  return raw.map((field) => cleanup(field, delimiter));
}

const UNESCAPED: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', s: ' ' };

function cleanup(field: string, delimiter: string): string {
  let out = '';
  // Where the field ends once trailing spaces are dropped (a space inside quotes or escaped is kept).
  let end = 0;
  let insideQuotes = false;
  let i = 0;
  while (field[i] === ' ') i++;
  for (; i < field.length; i++) {
    const character = field[i] as string;
    const next = field[i + 1];
    if (character === '\\' && next !== undefined && (next === "'" || next === '"' || next === delimiter || next === '\\' || next in UNESCAPED)) {
      out += UNESCAPED[next] ?? next;
      end = out.length;
      i++;
      continue;
    }
    if (character === "'" && (insideQuotes || field.indexOf("'", i + 1) >= 0)) {
      insideQuotes = !insideQuotes;
      if (insideQuotes) end = out.length;
      continue;
    }
    out += character;
    if (character !== ' ' || insideQuotes) end = out.length;
  }
  return out.slice(0, end);
}
