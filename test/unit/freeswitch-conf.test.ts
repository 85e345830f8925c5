import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseIdField } from '../../src/domain/ids.ts';
import { parseUserRef, validateDomain } from '../../src/domain/users.ts';

const confDir = fileURLToPath(new URL('../../freeswitch-conf/', import.meta.url));

/** Elements that may repeat, always read as arrays so that one and many look the same. */
const repeatable = new Set(['extension', 'condition', 'action', 'anti-action', 'list', 'node', 'param', 'variable', 'queue', 'agent', 'tier']);
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Attributes stay plain strings (a tier's queue="..." is no <queue> element).
  isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && repeatable.has(name),
});

interface Action { application: string; data?: string }
interface Condition { field?: string; expression?: string; action?: Action[]; 'anti-action'?: Action[] }
interface Extension { name: string; condition: Condition[] }
interface Context { name: string; extension: Extension[] }
interface NameValue { name: string; value: string }
interface AclNode { type: string; cidr?: string; domain?: string }
interface AclList { name: string; default: string; node?: AclNode[] }
interface DirectoryUser { id: string; params: { param: NameValue[] }; variables: { variable: NameValue[] } }
interface CallcenterQueue { name: string; param: NameValue[] }
interface CallcenterAgent { name: string; type: string; contact: string; status: string }
interface CallcenterTier { agent: string; queue: string }
interface CallcenterConfig {
  name: string;
  queues: { queue: CallcenterQueue[] };
  agents: { agent: CallcenterAgent[] };
  tiers: { tier: CallcenterTier[] };
}

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
      'autoload_configs/callcenter.conf.xml',
      'autoload_configs/event_socket.conf.xml',
      'dialplan/default/00_fs_pickup.xml',
      'dialplan/default/10_fs_pickup_example_users.xml',
      'dialplan/default/20_fs_pickup_ring_group_example.xml',
      'dialplan/default/21_fs_pickup_queue_example.xml',
      'dialplan/default/22_fs_pickup_never_pickable_example.xml',
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
  const round: Action[] = [
    { application: 'sched_hangup', data: '+8 NORMAL_TEMPORARY_FAILURE' },
    { application: 'socket', data: '$${fs_pickup_controllers}' },
    { application: 'bridge', data: '${fs_pickup_bridge}' },
  ];

  it('set the guards, then run up to four rounds of bound, synchronous socket and hand-off, then 503', () => {
    expect(actions()).toEqual([
      { application: 'set', data: 'intercept_unanswered_only=true' },
      { application: 'set', data: 'hangup_after_bridge=true' },
      { application: 'set', data: 'continue_on_fail=true' },
      ...round,
      { application: 'unset', data: 'fs_pickup_bridge' },
      ...round,
      { application: 'unset', data: 'fs_pickup_bridge' },
      ...round,
      { application: 'unset', data: 'fs_pickup_bridge' },
      ...round,
      { application: 'hangup', data: 'NORMAL_TEMPORARY_FAILURE' },
    ]);
  });

  it('connect synchronously: no async or full, so the channel waits in its own thread and takes commands at once', () => {
    const sockets = actions().filter((action) => action.application === 'socket');
    expect(sockets).toHaveLength(4);
    for (const socket of sockets) expect(socket.data?.split(/\s+/)).toEqual(['$${fs_pickup_controllers}']);
  });

  it('never copy the dialled string into action data', () => {
    expectNoDialledText(pickupConditions().flatMap((condition) => [...(condition.action ?? []), ...(condition['anti-action'] ?? [])]));
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
  const callLeg = 'c28b31ff-3fe1-4c7f-84d7-2441ce4cd298';
  const unknown: Action[] = [{ application: 'hangup', data: 'UNALLOCATED_NUMBER' }];
  const refused: Action[] = [{ application: 'hangup', data: 'CALL_REJECTED' }];
  const intercepts = (key: string, guard: string): Action[] => [
    { application: 'hash', data: `delete/fs_pickup_token/${key}` },
    { application: 'set', data: guard },
    { application: 'set', data: 'hangup_after_bridge=true' },
    { application: 'intercept', data: callLeg },
    { application: 'hangup', data: 'NO_ROUTE_DESTINATION' },
  ];

  /** A condition's field as the XML dialplan expands it, with the switch's hash realm fs_pickup_token. */
  function expand(field: string, destination: string, hash: ReadonlyMap<string, string>): string {
    return field
      .replace(/\$\{hash\(select\/fs_pickup_token\/\$\{destination_number\}\)\}/g, () => hash.get(destination) ?? '')
      .replace(/\$\{destination_number\}/g, () => destination);
  }

  /**
   * What the XML dialplan runs for a destination: the first extension whose conditions all match runs their
   * actions ($1, $2… from the condition's own captures); when a later condition fails after the first matched,
   * its anti-actions run. Regexes are read with PCRE's "$", as FreeSWITCH does.
   */
  function route(destination: string, hash: ReadonlyMap<string, string> = new Map()): Action[] | undefined {
    for (const extension of context.extension) {
      const run: Action[] = [];
      let matched = true;
      for (const [index, condition] of extension.condition.entries()) {
        const field = condition.field === 'destination_number' ? destination : expand(condition.field ?? '', destination, hash);
        const match = condition.field === undefined ? [''] : asPcre(condition.expression ?? '').exec(field);
        if (!match) {
          if (index === 0) matched = false;
          else run.push(...(condition['anti-action'] ?? []));
          break;
        }
        run.push(...(condition.action ?? []).map((action) => (action.data === undefined ? action : { ...action, data: action.data.replace(/\$(\d)/g, (_m, n: string) => match[Number(n)] ?? '') })));
      }
      if (matched) return run;
    }
    return undefined;
  }

  it('is the one context of the file, named fs_pickup_cluster', () => {
    expect(Array.isArray(contexts)).toBe(false);
    expect(context.name).toBe('fs_pickup_cluster');
  });

  it.each([token, 'ffffffffffffffffffffffffffffffff', '00000000000000000000000000000000'])('intercepts the call a token in the hash stands for, once: pickup-%s', (hex) => {
    const hash = new Map([[`pickup-${hex}`, callLeg]]);
    expect(route(`pickup-${hex}`, hash)).toEqual(intercepts(`pickup-${hex}`, 'intercept_unanswered_only=true'));
    // A queue member (pickupq-): only while no agent took it.
    const queueHash = new Map([[`pickupq-${hex}`, callLeg]]);
    expect(route(`pickupq-${hex}`, queueHash)).toEqual(intercepts(`pickupq-${hex}`, 'intercept_unbridged_only=true'));
  });

  it('refuses a forged, used or expired token with CALL_REJECTED (nothing in the hash), and a token of the other form', () => {
    expect(route(`pickup-${token}`)).toEqual(refused);
    expect(route(`pickupq-${token}`)).toEqual(refused);
    expect(route(`pickupq-${token}`, new Map([[`pickup-${token}`, callLeg]]))).toEqual(refused);
    // Whatever the hash holds, only a channel uuid reaches intercept.
    expect(route(`pickup-${token}`, new Map([[`pickup-${token}`, `${callLeg} -bleg`]]))).toEqual(refused);
    expect(route(`pickup-${token}`, new Map([[`pickup-${token}`, '${uuid}']]))).toEqual(refused);
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
  ])('hangs up UNALLOCATED_NUMBER for %s, even when the hash holds that key', (_label, destination) => {
    expect(route(destination, new Map([[destination, callLeg]]))).toEqual(unknown);
  });

  it('rings a relayed user (ring-<ext>) here, marked never pickable on every leg it rings', () => {
    expect(route('ring-200')).toEqual([
      { application: 'export', data: 'fs_pickup_exclude=true' },
      { application: 'set', data: 'hangup_after_bridge=true' },
      { application: 'bridge', data: 'user/200@$${domain}' },
    ]);
    expect(route('ring-a.b+c_d-e')?.at(-1)).toEqual({ application: 'bridge', data: 'user/a.b+c_d-e@$${domain}' });
  });

  it.each([
    ['no extension', 'ring-'],
    ['a space', 'ring-2 0'],
    ['a variable reference', 'ring-${uuid}'],
    ['a second destination', 'ring-200,sofia/x'],
    ['an @', 'ring-200@evil'],
    ['a final newline', 'ring-200\n'],
    ['65 characters', `ring-${'2'.repeat(65)}`],
  ])('refuses a relay with %s (UNALLOCATED_NUMBER)', (_label, destination) => {
    expect(route(destination)).toEqual(unknown);
  });

  it('copies only checked captures into action data, never the dialled string', () => {
    const data = context.extension.flatMap((extension) => extension.condition)
      .flatMap((condition) => [...(condition.action ?? []), ...(condition['anti-action'] ?? [])])
      .map((action) => action.data ?? '');
    expect(data).toContain('delete/fs_pickup_token/$1');
    for (const value of data) expect(value).not.toMatch(/\$\{destination_number\}|\$[03-9]/);
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

/** A queue id as users dial it after 88cg_: exactly one id that pickupctl accepts for --pickup-queues. */
function expectQueueId(id: string | undefined): void {
  expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  const parsed = parseIdField(id ?? '', 'pickup-queue');
  expect(parsed.ok && parsed.ids).toEqual([id]);
}

/** The one condition of the one extension of an example dialplan file. */
function exampleCondition(file: string): Condition {
  const extensions = parse<{ include: { extension: Extension[] } }>(file).include.extension;
  expect(extensions).toHaveLength(1);
  const conditions = extensions[0]?.condition ?? [];
  expect(conditions).toHaveLength(1);
  return conditions[0] as Condition;
}

/** Checks that the example's extension takes `destination` and not its neighbours, which stay free for other extensions. */
function expectReachedBy(file: string, destination: string): void {
  const { field, expression = '' } = exampleCondition(file);
  expect(field).toBe('destination_number');
  for (const regex of matchers(expression)) {
    expect(regex.test(destination)).toBe(true);
    for (const other of [`${destination}0`, `0${destination}`, `88${destination}`, '']) expect(regex.test(other), other).toBe(false);
  }
}

/** The actions of an example dialplan file's one condition. */
function exampleActions(file: string): Action[] {
  return exampleCondition(file).action ?? [];
}

/** Action data never takes text from the dialled string: no captures ($1…), no ${destination_number}. */
function expectNoDialledText(actions: Action[]): void {
  expect(actions.length).toBeGreaterThan(0);
  for (const { data = '' } of actions) {
    expect(data).not.toMatch(/\$\d/);
    expect(data).not.toContain('${destination_number}');
  }
}

describe('ring group example (queue pickup of a tagged bridge)', () => {
  const file = 'dialplan/default/20_fs_pickup_ring_group_example.xml';
  const actions = (): Action[] => exampleActions(file);
  const bridges = (): Action[] => actions().filter((action) => action.application === 'bridge');

  it('is reached by 7000 only', () => {
    expectReachedBy(file, '7000');
  });

  it('bridges once, after hangup_after_bridge=true', () => {
    expect(bridges()).toHaveLength(1);
    const setAt = actions().findIndex((action) => action.application === 'set' && action.data === 'hangup_after_bridge=true');
    expect(setAt).toBeGreaterThanOrEqual(0);
    expect(setAt).toBeLessThan(actions().findIndex((action) => action.application === 'bridge'));
  });

  it('tags every leg with fs_pickup_queue=<a valid queue id>, in the {…} that applies to all legs', () => {
    const data = bridges()[0]?.data ?? '';
    const tag = /^\{([^}]*)\}/.exec(data)?.[1] ?? '';
    const queues = tag.split(',').filter((pair) => pair.startsWith('fs_pickup_queue=')).map((pair) => pair.slice('fs_pickup_queue='.length));
    expect(queues).toHaveLength(1);
    expectQueueId(queues[0]);
    expect(data.slice(tag.length + 2)).not.toContain('fs_pickup_queue');
  });

  it('rings only directory users (user/<ext>@${domain_name}), which the controller tracks', () => {
    const legs = (bridges()[0]?.data ?? '').replace(/^\{[^}]*\}/, '').split(',');
    expect(legs.length).toBeGreaterThan(1);
    for (const leg of legs) expect(leg).toMatch(/^user\/[0-9]+@\$\{domain_name\}$/);
  });

  it('copies nothing from the dialled string into action data', () => {
    expectNoDialledText(actions());
  });
});

describe('never-pickable example', () => {
  const file = 'dialplan/default/22_fs_pickup_never_pickable_example.xml';
  const actions = (): Action[] => exampleActions(file);

  it('is reached by 7002 only', () => {
    expectReachedBy(file, '7002');
  });

  it('exports fs_pickup_exclude=true (set would stay on the caller leg) before its one bridge to a directory user', () => {
    const applications = actions().map((action) => action.application);
    const exported = actions().findIndex((action) => action.application === 'export' && action.data === 'fs_pickup_exclude=true');
    expect(exported).toBeGreaterThanOrEqual(0);
    expect(exported).toBeLessThan(applications.indexOf('bridge'));
    expect(applications.filter((application) => application === 'bridge')).toHaveLength(1);
    expect(actions().find((action) => action.application === 'bridge')?.data).toMatch(/^user\/[0-9]+@\$\{domain_name\}$/);
  });

  it('copies nothing from the dialled string into action data', () => {
    expectNoDialledText(actions());
  });
});

describe('mod_callcenter example', () => {
  const config = parse<{ configuration: CallcenterConfig }>('autoload_configs/callcenter.conf.xml').configuration;
  const queues = config.queues.queue;
  const agents = config.agents.agent;
  const tiers = config.tiers.tier;

  /** `<user>@<domain>` split at its only "@". */
  function split(name: string): { user: string; domain: string } {
    const parts = name.split('@');
    expect(parts, name).toHaveLength(2);
    return { user: parts[0] ?? '', domain: parts[1] ?? '' };
  }

  it("is mod_callcenter's one configuration, with at least one queue", () => {
    expect(config.name).toBe('callcenter.conf');
    expect(queues.length).toBeGreaterThan(0);
  });

  it.each(queues.map((queue) => [queue.name]))('queue %s is named <queue id>@<domain>', (name) => {
    const { user: id, domain } = split(name);
    expectQueueId(id);
    expect(validateDomain(domain)).toBeUndefined();
  });

  it('has a ring-all queue (the strategy the vendor cannot pick up from)', () => {
    expect(queues.some((queue) => valueOf(queue.param, 'strategy') === 'ring-all')).toBe(true);
  });

  it.each(agents.map((agent) => [agent.name, agent]))('agent %s rings user/<its extension>@<its domain>, an example user', (name, agent) => {
    const ref = parseUserRef(name);
    expect(ref.ok).toBe(true);
    if (!ref.ok) return;
    expect(agent.contact).toMatch(new RegExp(`^(\\[[^\\]]*\\])?user/${ref.user.extension}@${ref.user.domain.replaceAll('.', '\\.')}$`));
    expect(xmlFilesUnder(confDir)).toContain(`directory/default/${ref.user.extension}.xml`);
    expect(agent.status).toBe('Available');
  });

  it("keeps every queue's agents and the queue in one domain, and every tier names a defined agent and queue", () => {
    expect(tiers.length).toBeGreaterThan(0);
    const queueNames = new Set(queues.map((queue) => queue.name));
    const agentNames = new Set(agents.map((agent) => agent.name));
    for (const tier of tiers) {
      expect(queueNames).toContain(tier.queue);
      expect(agentNames).toContain(tier.agent);
      expect(split(tier.agent).domain).toBe(split(tier.queue).domain);
    }
  });

  it('is entered through the queue example (7001), which names a defined queue by its id', () => {
    const file = 'dialplan/default/21_fs_pickup_queue_example.xml';
    expectReachedBy(file, '7001');
    const actions = exampleActions(file);
    expectNoDialledText(actions);
    const entries = actions.filter((action) => action.application === 'callcenter');
    expect(entries).toHaveLength(1);
    const [id, domain] = (entries[0]?.data ?? '').split('@');
    expect(domain).toBe('${domain_name}');
    expect(queues.map((queue) => split(queue.name).user)).toContain(id);
    expect(actions).toContainEqual({ application: 'set', data: 'hangup_after_bridge=true' });
  });
});
