/**
 * The XML dialplan's routing (mod_dialplan_xml's `dialplan_hunt` / `parse_exten`): the extensions of
 * the channel's context in order, each a list of conditions. A condition whose field matches its
 * regex adds its actions (`$1…$9` from that match), one that does not adds its anti-actions; `break`
 * (default on-false) decides whether the next conditions are tried. The first extension whose last
 * tried condition matched ends the hunt (unless it has `continue`); applications gathered on the way,
 * anti-actions of extensions that did not match included, run in order, as in FreeSWITCH. Condition
 * fields with `${…}` are expanded when the call is routed; action data when each application runs.
 */
import type { AppCall } from './channel.ts';

/** One `<action>` or `<anti-action>`: application and data. */
export type DialplanAction = readonly [app: string, arg?: string];

/** What follows a condition: `break="on-false"` (the default) skips the next ones once one fails. */
export type ConditionBreak = 'on-false' | 'on-true' | 'always' | 'never';

/** One `<condition>`. Without a field it always holds (FreeSWITCH's "absolute condition"). */
export interface DialplanCondition {
  /** A caller-profile field (`destination_number`) or variable name, or text with `${…}` to expand. */
  readonly field?: string;
  readonly expression?: RegExp;
  readonly break?: ConditionBreak;
  readonly actions?: readonly DialplanAction[];
  readonly antiActions?: readonly DialplanAction[];
}

interface ExtensionHead {
  readonly name: string;
  /** Dialplan context; 'default' when omitted. */
  readonly context?: string;
  /** `continue="true"`: the hunt goes on after this extension matched. */
  readonly continue?: boolean;
}

/** Shorthand for one condition on `destination_number` (the capture lab's dialplans are written so). */
export interface DestinationExtension extends ExtensionHead {
  readonly expression: RegExp;
  readonly actions: readonly DialplanAction[];
}

/** An extension with its conditions, as the XML has it. */
export interface ConditionalExtension extends ExtensionHead {
  readonly conditions: readonly DialplanCondition[];
}

/** One `<extension>`. */
export type DialplanExtension = DestinationExtension | ConditionalExtension;

/** A dialplan: extensions searched in order. */
export type Dialplan = readonly DialplanExtension[];

/** What routing reads of the call being routed. */
export interface RoutingSubject {
  readonly context: string;
  /** A condition field without `$`: the caller-profile field, else the channel variable of that name ('' if none). */
  field(name: string): string;
  /** A condition field with `$`: expanded against the channel now. */
  expand(text: string): string;
}

/** The applications the hunt gathers for a call, or undefined when it gathers none (NO_ROUTE_DESTINATION). */
export function routeCall(dialplan: Dialplan, subject: RoutingSubject): AppCall[] | undefined {
  const apps: AppCall[] = [];
  for (const extension of dialplan) {
    if ((extension.context ?? 'default') !== subject.context) continue;
    if (huntExtension(conditionsOf(extension), subject, apps) && !extension.continue) break;
  }
  return apps.length > 0 ? apps : undefined;
}

function conditionsOf(extension: DialplanExtension): readonly DialplanCondition[] {
  if ('conditions' in extension) return extension.conditions;
  return [{ field: 'destination_number', expression: extension.expression, actions: extension.actions }];
}

/** `parse_exten`: adds the extension's applications; true when its last tried condition held. */
function huntExtension(conditions: readonly DialplanCondition[], subject: RoutingSubject, apps: AppCall[]): boolean {
  let proceed = false;
  for (const condition of conditions) {
    const match = matchOf(condition, subject);
    const breakOn = condition.break ?? 'on-false';
    proceed = match !== null;
    if (match) {
      for (const [app, arg = ''] of condition.actions ?? []) apps.push({ app, arg: withCaptures(arg, match) });
      if (breakOn === 'on-true' || breakOn === 'always') break;
    } else {
      for (const [app, arg = ''] of condition.antiActions ?? []) apps.push({ app, arg });
      if (breakOn === 'on-false' || breakOn === 'always') break;
    }
  }
  return proceed;
}

function matchOf(condition: DialplanCondition, subject: RoutingSubject): RegExpExecArray | [string] | null {
  if (condition.field === undefined || !condition.expression) return [''];
  const value = condition.field.includes('$') ? subject.expand(condition.field) : subject.field(condition.field);
  return condition.expression.exec(value);
}

/** `$1`…`$9` of the condition's match (a group that did not take part is empty). */
function withCaptures(arg: string, match: ArrayLike<string | undefined>): string {
  return arg.replace(/\$(\d)/g, (_, index: string) => match[Number(index)] ?? '');
}
