import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

const confDir = fileURLToPath(new URL('../../freeswitch-conf/', import.meta.url));

/** Elements that may repeat, always read as arrays so that one and many look the same. */
const repeatable = new Set(['extension', 'condition', 'action', 'anti-action', 'list', 'node', 'param', 'variable']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => repeatable.has(name),
});

interface Action { application: string; data?: string }
interface Condition { field?: string; expression?: string; action?: Action[]; 'anti-action'?: Action[] }
interface Extension { name: string; condition: Condition[] }
interface NameValue { name: string; value: string }
interface AclNode { type: string; cidr?: string; domain?: string }
interface AclList { name: string; default: string; node?: AclNode[] }
interface DirectoryUser { id: string; params: { param: NameValue[] }; variables: { variable: NameValue[] } }

function read(path: string): string {
  return readFileSync(join(confDir, path), 'utf8');
}

function parse<T>(path: string): T {
  return parser.parse(read(path)) as T;
}

function xmlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.xml'))
    .map((entry) => relative(confDir, join(entry.parentPath, entry.name)))
    .sort();
}

function valueOf(pairs: NameValue[], name: string): string | undefined {
  return pairs.find((pair) => pair.name === name)?.value;
}

/**
 * FreeSWITCH matches with PCRE, whose `$` also matches just before a final "\n"; JavaScript's `$`
 * does not. Rewriting each `$` anchor lets the tests see what FreeSWITCH would accept.
 */
function asPcre(pattern: string): RegExp {
  return new RegExp(pattern.replace(/(?<!\\)\$/g, () => '(?:$|(?=\\n$))'));
}

/** Both readings of a FreeSWITCH expression: plain JavaScript and with PCRE's `$`. */
function matchers(pattern: string): RegExp[] {
  return [new RegExp(pattern), asPcre(pattern)];
}

/** What the XML dialplan does to a condition's `field` before matching: `${var}` → its value or "". */
function expandField(field: string, variables: Record<string, string>): string {
  return field.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_match, name: string) => variables[name] ?? '');
}

const pickupExtension = parse<{ include: { extension: Extension[] } }>('dialplan/default/00_fs_pickup.xml')
  .include.extension;

function pickupConditions(): Condition[] {
  expect(pickupExtension).toHaveLength(1);
  return pickupExtension[0]?.condition ?? [];
}

function destinationCondition(): Condition {
  const found = pickupConditions().filter((condition) => condition.field === 'destination_number');
  expect(found).toHaveLength(1);
  return found[0] as Condition;
}

function destinationPattern(): string {
  const { expression } = destinationCondition();
  expect(expression).toBeTypeOf('string');
  return expression as string;
}

describe('freeswitch-conf XML files', () => {
  const files = xmlFilesUnder(confDir);

  it('include every file the README tells users to copy', () => {
    expect(files).toEqual(expect.arrayContaining([
      'autoload_configs/acl.conf.xml',
      'autoload_configs/event_socket.conf.xml',
      'dialplan/default/00_fs_pickup.xml',
      'directory/default/100.xml',
      'directory/default/200.xml',
      'directory/default/201.xml',
    ]));
  });

  it.each(files)('%s is well-formed XML', (file) => {
    expect(XMLValidator.validate(read(file))).toBe(true);
  });
});

describe('pickup extension: dialled-string regex', () => {
  const accepted = ['88sales', '88*sales', '88200', '88cg_5', '88', '88*', '88Support-2', `88${'a'.repeat(1024)}`,
    `88*${'b'.repeat(1024)}`];
  const rejected = ['88sales\napi x', '88sales\n', '\n88sales', '88%0a', '88${x}', '88 sales', '88é', '88sales;x',
    '88**sales', '8sales', 'x88sales', `88${'a'.repeat(5 * 1024)}`, `88${'a'.repeat(1025)}`];

  it.each(accepted)('accepts %j', (dialled) => {
    for (const regex of matchers(destinationPattern())) expect(regex.test(dialled), regex.source).toBe(true);
  });

  it.each(rejected.map((dialled) => [dialled.length > 40 ? `${dialled.slice(0, 12)}… (${dialled.length} chars)` : dialled, dialled]))(
    'rejects %j', (_label, dialled) => {
      for (const regex of matchers(destinationPattern())) expect(regex.test(dialled), regex.source).toBe(false);
    });

  it('decides nothing by itself: no actions on the destination condition, so other numbers fall through', () => {
    const condition = destinationCondition();
    expect(condition.action).toBeUndefined();
    expect(condition['anti-action']).toBeUndefined();
  });
});

describe('pickup extension: authentication', () => {
  function authCondition(): Condition {
    const found = pickupConditions().filter((condition) => condition.field !== 'destination_number');
    expect(found).toHaveLength(1);
    return found[0] as Condition;
  }

  function passes(variables: Record<string, string>): boolean {
    const { field, expression } = authCondition();
    const value = expandField(field ?? '', variables);
    const results = matchers(expression ?? '').map((regex) => regex.test(value));
    expect(new Set(results).size).toBe(1);
    return results[0] as boolean;
  }

  it('lets a digest-authenticated caller through', () => {
    expect(passes({ sip_authorized: 'true', user_name: '100' })).toBe(true);
  });

  it.each([
    ['no authentication at all', {}],
    ['an IP-only ACL match (sip_authorized without a user)', { sip_authorized: 'true' }],
    ['a user name without sip_authorized', { user_name: '100' }],
    ['sip_authorized other than true', { sip_authorized: 'false', user_name: '100' }],
  ])('refuses %s', (_label, variables: Record<string, string>) => {
    expect(passes(variables)).toBe(false);
  });

  it('hangs up refused callers with CALL_REJECTED', () => {
    expect(authCondition()['anti-action']).toEqual([{ application: 'hangup', data: 'CALL_REJECTED' }]);
  });
});

describe('pickup extension: actions', () => {
  const actions = (): Action[] => pickupConditions().flatMap((condition) => condition.action ?? []);

  it('are exactly set request flag, set unanswered-only, set park timeout, park', () => {
    expect(actions()).toEqual([
      { application: 'set', data: 'fs_pickup_request=true' },
      { application: 'set', data: 'intercept_unanswered_only=true' },
      { application: 'set', data: 'park_timeout=8:NORMAL_TEMPORARY_FAILURE' },
      { application: 'park' },
    ]);
  });

  it('never copy the dialled string into action data', () => {
    const all = pickupConditions().flatMap((condition) => [...(condition.action ?? []), ...(condition['anti-action'] ?? [])]);
    expect(all.length).toBeGreaterThan(0);
    for (const { data = '' } of all) {
      expect(data).not.toMatch(/\$\d/);
      expect(data).not.toContain('${destination_number}');
    }
  });
});

describe('event socket and ACL', () => {
  const settings = parse<{ configuration: { settings: { param: NameValue[] } } }>('autoload_configs/event_socket.conf.xml')
    .configuration.settings.param;
  const lists = parse<{ configuration: { 'network-lists': { list: AclList[] } } }>('autoload_configs/acl.conf.xml')
    .configuration['network-lists'].list;

  it('applies an inbound ACL that acl.conf.xml defines, deny by default, with at least one allowed host', () => {
    const aclName = valueOf(settings, 'apply-inbound-acl');
    expect(aclName).toBe('fs_pickup_controllers');
    const list = lists.find((candidate) => candidate.name === aclName);
    expect(list?.default).toBe('deny');
    expect(list?.node?.some((node) => node.type === 'allow' && node.cidr)).toBe(true);
  });

  it('keeps the stock "domains" list that the stock internal SIP profile uses', () => {
    const domains = lists.find((candidate) => candidate.name === 'domains');
    expect(domains?.node).toContainEqual({ type: 'allow', domain: '$${domain}' });
  });

  it('listens on port 8021 with a non-empty password', () => {
    expect(valueOf(settings, 'listen-port')).toBe('8021');
    expect(valueOf(settings, 'password')).toMatch(/\S/);
  });
});

describe('example directory users', () => {
  it.each(['100', '200', '201'])('user %s exists with a password, context default and caller ID', (id) => {
    const user = parse<{ include: { user: DirectoryUser } }>(`directory/default/${id}.xml`).include.user;
    expect(user.id).toBe(id);
    expect(valueOf(user.params.param, 'password')).toMatch(/\S/);
    const variables = user.variables.variable;
    expect(valueOf(variables, 'user_context')).toBe('default');
    expect(valueOf(variables, 'effective_caller_id_number')).toBe(id);
    expect(valueOf(variables, 'effective_caller_id_name')).toMatch(/\S/);
  });

  it.each(['100', '200', '201'])('user %s carries no call or pickup groups (they live in Redis)', (id) => {
    expect(read(`directory/default/${id}.xml`)).not.toMatch(/name="[a-z_]*(call|pickup)_?groups?"/i);
  });
});
