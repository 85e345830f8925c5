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
interface Context { name: string; extension: Extension[] }
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
      'dialplan/fs_pickup_cluster.xml',
      'directory/default/100.xml',
      'directory/default/200.xml',
      'directory/default/201.xml',
      'sip_profiles/cluster.xml',
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

const aclLists = parse<{ configuration: { 'network-lists': { list: AclList[] } } }>('autoload_configs/acl.conf.xml')
  .configuration['network-lists'].list;

/** A list that denies by default and allows single hosts only (no range that could let strangers in). */
function expectHostAllowList(name: string): void {
  const list = aclLists.find((candidate) => candidate.name === name);
  expect(list?.default).toBe('deny');
  const nodes = list?.node ?? [];
  expect(nodes.length).toBeGreaterThan(0);
  for (const node of nodes) {
    expect(node.type).toBe('allow');
    expect(node.cidr).toMatch(/^\d{1,3}(\.\d{1,3}){3}\/32$/);
  }
}

describe('event socket and ACL', () => {
  const settings = parse<{ configuration: { settings: { param: NameValue[] } } }>('autoload_configs/event_socket.conf.xml')
    .configuration.settings.param;
  const lists = aclLists;

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

  it("listens on the node's own address, where controllers on other hosts reach it", () => {
    expect(valueOf(settings, 'listen-ip')).toBe('$${local_ip_v4}');
  });

  it('admits single controller hosts only', () => {
    expectHostAllowList('fs_pickup_controllers');
  });
});

describe('cluster SIP profile', () => {
  const profile = parse<{ profile: { name: string; settings: { param: NameValue[] } } }>('sip_profiles/cluster.xml').profile;
  const setting = (name: string): string | undefined => valueOf(profile.settings.param, name);

  it('is named "cluster", the profile the controller bridges through (FSP_CLUSTER_SIP_PROFILE)', () => {
    expect(profile.name).toBe('cluster');
  });

  it('has a port of its own on the node address', () => {
    expect(setting('sip-port')).toBe('5090');
    expect(setting('sip-ip')).toBe('$${local_ip_v4}');
    expect(setting('rtp-ip')).toBe('$${local_ip_v4}');
  });

  it('does not authenticate calls but admits only the fs_pickup_cluster ACL, which acl.conf.xml defines', () => {
    expect(setting('auth-calls')).toBe('false');
    expect(setting('apply-inbound-acl')).toBe('fs_pickup_cluster');
    expectHostAllowList('fs_pickup_cluster');
  });

  it('routes into context fs_pickup_cluster of the XML dialplan', () => {
    expect(setting('dialplan')).toBe('XML');
    expect(setting('context')).toBe('fs_pickup_cluster');
  });

  it('takes no registrations, presence or transfers', () => {
    expect(setting('disable-register')).toBe('true');
    expect(setting('manage-presence')).toBe('false');
    expect(setting('disable-transfer')).toBe('true');
  });

  it('never accepts unverified credentials', () => {
    expect(setting('accept-blind-auth')).toBeUndefined();
    expect(setting('accept-blind-reg')).toBeUndefined();
  });
});

describe('cluster dialplan context', () => {
  const contexts = parse<{ include: { context: Context | Context[] } }>('dialplan/fs_pickup_cluster.xml').include.context;
  const context = (Array.isArray(contexts) ? contexts : [contexts])[0] as Context;
  const token = '0123456789abcdef0123456789abcdef';
  const tokenActions: Action[] = [
    { application: 'set', data: 'fs_pickup_token=$1' },
    { application: 'set', data: 'park_timeout=8:NORMAL_TEMPORARY_FAILURE' },
    { application: 'park' },
  ];
  const refusal: Action[] = [{ application: 'hangup', data: 'UNALLOCATED_NUMBER' }];

  /**
   * What the XML dialplan runs for a destination: the actions of the first extension whose conditions all
   * match (a condition without a field always matches), read with PCRE's "$" as FreeSWITCH does.
   */
  function route(destination: string): Action[] | undefined {
    for (const extension of context.extension) {
      const matches = extension.condition.every((condition) => condition.field === undefined
        || (condition.field === 'destination_number' && asPcre(condition.expression ?? '').test(destination)));
      if (matches) return extension.condition.flatMap((condition) => condition.action ?? []);
    }
    return undefined;
  }

  function tokenPattern(): string {
    const [condition] = context.extension[0]?.condition ?? [];
    expect(condition?.field).toBe('destination_number');
    return condition?.expression ?? '';
  }

  it('is the one context of the file, named fs_pickup_cluster', () => {
    expect(Array.isArray(contexts)).toBe(false);
    expect(context.name).toBe('fs_pickup_cluster');
  });

  it.each([token, 'ffffffffffffffffffffffffffffffff', '00000000000000000000000000000000'])(
    'parks pickup-%s for the controller, with the token in fs_pickup_token', (hex) => {
      for (const regex of matchers(tokenPattern())) expect(regex.exec(`pickup-${hex}`)?.[1], regex.source).toBe(hex);
      expect(route(`pickup-${hex}`)).toEqual(tokenActions);
    });

  it.each([
    ['31 hex digits', `pickup-${token.slice(1)}`],
    ['33 hex digits', `pickup-${token}0`],
    ['uppercase hex', `pickup-${token.toUpperCase()}`],
    ['one uppercase digit', `pickup-${token.slice(0, 31)}F`],
    ['non-hex letters', `pickup-${token.slice(0, 31)}g`],
    ['a variable reference', 'pickup-${uuid}'],
    ['a variable after a valid token', `pickup-${token}\${uuid}`],
    ['a final newline', `pickup-${token}\n`],
    ['a newline and more', `pickup-${token}\napi x`],
    ['a leading newline', `\npickup-${token}`],
    ['no token', 'pickup-'],
    ['another prefix', `Pickup-${token}`],
    ['a bare uuid', '0123abcd-0123-4567-89ab-0123456789ab'],
    ['an extension', '200'],
    ['the pickup feature code', '88sales'],
    ['nothing', ''],
  ])('hangs up UNALLOCATED_NUMBER for %s', (_label, destination) => {
    for (const regex of matchers(tokenPattern())) expect(regex.test(destination), regex.source).toBe(false);
    expect(route(destination)).toEqual(refusal);
  });

  it('copies only the hex capture into action data, never the dialled string', () => {
    const data = context.extension.flatMap((extension) => extension.condition)
      .flatMap((condition) => [...(condition.action ?? []), ...(condition['anti-action'] ?? [])])
      .map((action) => action.data ?? '');
    expect(data).toContain('fs_pickup_token=$1');
    expect(tokenPattern()).toContain('([0-9a-f]{32})');
    for (const value of data) expect(value).not.toMatch(/\$\{destination_number\}|\$[02-9]/);
  });

  it('is reached only through the cluster profile: no other file names the context', () => {
    const naming = xmlFilesUnder(confDir).filter((file) => read(file).includes('value="fs_pickup_cluster"')
      || / XML fs_pickup_cluster\b/.test(read(file)));
    expect(naming).toEqual(['sip_profiles/cluster.xml']);
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
