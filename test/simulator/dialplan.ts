/**
 * A tiny XML-dialplan stand-in: extensions matched on the destination number by regex, actions with
 * `$1…$9` filled in at routing time and `${…}` expanded when each application runs.
 */
import type { AppCall } from './channel.ts';

/** One `<extension>`: a destination regex and its actions (`[app, arg]`). */
export interface DialplanExtension {
  readonly name: string;
  /** Dialplan context; 'default' when omitted. */
  readonly context?: string;
  readonly expression: RegExp;
  readonly actions: ReadonlyArray<readonly [app: string, arg?: string]>;
}

/** The whole dialplan, searched in order; the first matching extension wins. */
export type Dialplan = readonly DialplanExtension[];

/** The application list for a destination, or undefined when no extension matches (NO_ROUTE_DESTINATION). */
export function routeCall(dialplan: Dialplan, context: string, destination: string): AppCall[] | undefined {
  for (const extension of dialplan) {
    if ((extension.context ?? 'default') !== context) continue;
    const match = extension.expression.exec(destination);
    if (!match) continue;
    return extension.actions.map(([app, arg = '']) => ({
      app,
      arg: arg.replace(/\$(\d)/g, (_, index: string) => match[Number(index)] ?? ''),
    }));
  }
  return undefined;
}

/** Functions usable as `${name(args)}` in application arguments. */
export type ExpansionFunctions = Readonly<Record<string, (argument: string) => string>>;

/** Expands `${variable}` and `${function(argument)}`; unknown variables expand to nothing, as in FreeSWITCH. */
export function expandVariables(
  text: string,
  lookup: (name: string) => string | undefined,
  functions: ExpansionFunctions,
): string {
  return text.replace(/\$\{([^}]*)\}/g, (_, inner: string) => {
    const call = /^([\w-]+)\((.*)\)$/s.exec(inner);
    if (call) return functions[call[1]!]?.(call[2]!) ?? '';
    return lookup(inner) ?? '';
  });
}
