/**
 * Dial strings as `bridge`/`originate` read them: `{global=vars}` then legs separated by `,`
 * (rung at once), each with optional `[local=vars]`. `|` (failover) is not modelled: only the
 * first alternative of each leg is dialled.
 */

/** One leg: its endpoint string (`user/200@pbx.test`, `sofia/internal/sip:…`) and variables. */
export interface DialLeg {
  readonly endpoint: string;
  readonly variables: Readonly<Record<string, string>>;
}

/** A parsed dial string. */
export interface DialString {
  readonly globals: Readonly<Record<string, string>>;
  readonly legs: readonly DialLeg[];
}

/** Parses a dial string. */
export function parseDialString(text: string): DialString {
  let rest = text.trim();
  let globals: Record<string, string> = {};
  if (rest.startsWith('{')) {
    const end = closingIndex(rest, '{', '}');
    globals = parseVariables(rest.slice(1, end));
    rest = rest.slice(end + 1);
  }
  const legs = splitTopLevel(rest, ',').map((leg): DialLeg => {
    let endpoint = splitTopLevel(leg.trim(), '|')[0]!.trim();
    let variables: Record<string, string> = {};
    if (endpoint.startsWith('[')) {
      const end = closingIndex(endpoint, '[', ']');
      variables = parseVariables(endpoint.slice(1, end));
      endpoint = endpoint.slice(end + 1);
    }
    return { endpoint, variables };
  });
  return { globals, legs: legs.filter((leg) => leg.endpoint !== '') };
}

/** `a=b,c='d,e'` → `{a: 'b', c: 'd,e'}`. */
function parseVariables(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const pair of splitTopLevel(text, ',')) {
    const equals = pair.indexOf('=');
    if (equals <= 0) continue;
    variables[pair.slice(0, equals).trim()] = pair.slice(equals + 1).replace(/^'(.*)'$/s, '$1');
  }
  return variables;
}

function closingIndex(text: string, open: string, close: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return i;
  }
  return text.length;
}

/** Splits on `separator` outside of `{}`, `[]`, `()` and single quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === "'") quoted = !quoted;
    else if (!quoted && (char === '{' || char === '[' || char === '(')) depth++;
    else if (!quoted && (char === '}' || char === ']' || char === ')')) depth--;
    else if (!quoted && depth === 0 && char === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
