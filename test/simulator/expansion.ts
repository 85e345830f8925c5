/**
 * FreeSWITCH's variable expansion (`switch_channel_expand_variables`) as the simulator needs it:
 * `${name}`, nested `${…${…}…}` (the inner one first), API calls `${api(argument)}`, and the
 * simulator's globals `$${name}`. FreeSWITCH substitutes `$${name}` once, when it loads the XML
 * (so a later `global_setvar` does not change a loaded dialplan); the simulator keeps the text and
 * substitutes it whenever it expands, from the current globals.
 */

/** Where names are looked up during one expansion. */
export interface ExpansionScope {
  /** `${name}`: the channel's variable, else its caller-profile field, else a global (FreeSWITCH's order). */
  variable(name: string): string | undefined;
  /** `$${name}`. */
  global(name: string): string | undefined;
  /** `${api(argument)}`: the API's reply, or undefined for APIs the simulator does not run there. */
  call(api: string, argument: string): string | undefined;
}

const API_CALL = /^([\w-]+)\((.*)\)$/s;

/** Expands every `$${…}` and `${…}` in `text`; unknown names expand to nothing, as in FreeSWITCH. */
export function expandText(text: string, scope: ExpansionScope): string {
  let out = '';
  let position = 0;
  for (;;) {
    const start = text.indexOf('${', position);
    if (start < 0) return out + text.slice(position);
    const isGlobal = start > 0 && text[start - 1] === '$';
    const end = closingBrace(text, start + 2);
    if (end < 0) return out + text.slice(position);
    out += text.slice(position, isGlobal ? start - 1 : start);
    const inner = text.slice(start + 2, end);
    out += isGlobal ? (scope.global(inner) ?? '') : evaluate(expandText(inner, scope), scope);
    position = end + 1;
  }
}

function evaluate(inner: string, scope: ExpansionScope): string {
  const call = API_CALL.exec(inner);
  if (call) return scope.call(call[1]!, call[2]!) ?? '';
  return scope.variable(inner) ?? '';
}

/** The index of the `}` closing a `${` whose content starts at `from` (nested braces counted), or -1. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}
