/**
 * Reads FreeSWITCH dialplan XML into the simulator's Dialplan: `<include>` holding `<context name>`s
 * (a file of dialplan/) or bare `<extension>`s (a file of dialplan/<context>/), with what the
 * product's files use — extension (name, continue), condition (field, expression, break), action and
 * anti-action (application, data). Anything else (time conditions, `regex="any"`, nested conditions…)
 * is refused with SIM_BAD_CONFIG, so a dialplan the simulator cannot run never passes silently.
 * Regexes are PCRE's: `$` also matches before a final newline, as it does in FreeSWITCH.
 */
import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import type { ConditionBreak, Dialplan, DialplanAction, DialplanCondition, DialplanExtension } from './dialplan.ts';
import { SimulatorConfigError } from './errors.ts';

/** The product's dialplan files, as FreeSWITCH would include them: the file and the context its extensions go to. */
const PRODUCT_FILES = [
  { url: new URL('../../freeswitch-conf/dialplan/default/00_fs_pickup.xml', import.meta.url), context: 'default' },
  { url: new URL('../../freeswitch-conf/dialplan/fs_pickup_cluster.xml', import.meta.url), context: 'default' },
] as const;

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['context', 'extension', 'condition', 'action', 'anti-action'].includes(name),
  parseAttributeValue: false,
  parseTagValue: false,
  // FreeSWITCH keeps attribute values as written.
  trimValues: false,
});

const BREAKS: readonly ConditionBreak[] = ['on-false', 'on-true', 'always', 'never'];

let productDialplan: Dialplan | undefined;

/** The product's `00_fs_pickup.xml` (context default) and `fs_pickup_cluster.xml`, read once per process. */
export function loadProductDialplan(): Dialplan {
  productDialplan ??= PRODUCT_FILES.flatMap(({ url, context }) => parseDialplanXml(readFileSync(url, 'utf8'), context));
  return productDialplan;
}

/** Parses one dialplan file; bare extensions belong to `context`. */
export function parseDialplanXml(xml: string, context = 'default'): Dialplan {
  const root = parser.parse(xml) as XmlNode;
  const include = root['include'] as XmlNode | undefined;
  if (!include) throw new SimulatorConfigError('dialplan XML without <include>');
  checkKeys(include, ['context', 'extension'], '<include>');
  const contexts = (include['context'] as XmlNode[] | undefined) ?? [];
  return [
    ...extensionsOf(include, context),
    ...contexts.flatMap((node) => {
      checkKeys(node, ['name', 'extension'], '<context>');
      return extensionsOf(node, requiredAttribute(node, 'name', '<context>'));
    }),
  ];
}

function extensionsOf(parent: XmlNode, context: string): DialplanExtension[] {
  return ((parent['extension'] as XmlNode[] | undefined) ?? []).map((node) => {
    checkKeys(node, ['name', 'continue', 'condition'], '<extension>');
    const name = requiredAttribute(node, 'name', '<extension>');
    const conditions = ((node['condition'] as XmlNode[] | undefined) ?? []).map((condition) => conditionOf(condition, name));
    return { name, context, conditions, ...(node['continue'] === 'true' ? { continue: true } : {}) };
  });
}

function conditionOf(node: XmlNode, extension: string): DialplanCondition {
  const where = `<condition> of extension ${extension}`;
  checkKeys(node, ['field', 'expression', 'break', 'action', 'anti-action'], where);
  const field = node['field'] as string | undefined;
  const expression = node['expression'] as string | undefined;
  if ((field === undefined) !== (expression === undefined)) throw new SimulatorConfigError(`${where}: field and expression go together`);
  const breakOn = node['break'] as ConditionBreak | undefined;
  if (breakOn !== undefined && !BREAKS.includes(breakOn)) throw new SimulatorConfigError(`${where}: break="${breakOn}"`);
  return {
    ...(field === undefined ? {} : { field, expression: pcreRegExp(expression!) }),
    ...(breakOn === undefined ? {} : { break: breakOn }),
    actions: actionsOf(node['action'], where),
    antiActions: actionsOf(node['anti-action'], where),
  };
}

function actionsOf(nodes: unknown, where: string): DialplanAction[] {
  return ((nodes as XmlNode[] | undefined) ?? []).map((node) => {
    checkKeys(node, ['application', 'data'], `an action of ${where}`);
    const data = node['data'] as string | undefined;
    return data === undefined ? [requiredAttribute(node, 'application', where)] : [requiredAttribute(node, 'application', where), data];
  });
}

/**
 * A PCRE pattern as a JavaScript RegExp. PCRE's `$` (no multiline) matches at the end or before a
 * final newline, JavaScript's only at the end: each `$` outside a character class becomes `(?=\n?$)`.
 */
export function pcreRegExp(source: string): RegExp {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (char === '\\') {
      out += char + (source[i + 1] ?? '');
      i++;
    } else if (inClass) {
      if (char === ']') inClass = false;
      out += char;
    } else if (char === '[') {
      inClass = true;
      out += char;
    } else {
      out += char === '$' ? '(?=\\n?$)' : char;
    }
  }
  return new RegExp(out);
}

function requiredAttribute(node: XmlNode, name: string, where: string): string {
  const value = node[name];
  if (typeof value !== 'string' || value === '') throw new SimulatorConfigError(`${where} needs ${name}=`);
  return value;
}

// Whitespace between elements comes as #text; anything else the simulator does not know is refused.
function checkKeys(node: XmlNode, allowed: readonly string[], where: string): void {
  for (const [key, value] of Object.entries(node)) {
    if (key === '#text' && typeof value === 'string' && value.trim() === '') continue;
    if (!allowed.includes(key)) throw new SimulatorConfigError(`${where}: "${key}" is not simulated`);
  }
}
