/**
 * The XML dialplan: parsing (what the product's files use, anything else refused), mod_dialplan_xml's
 * hunt (break, anti-actions that run although the extension did not match, `$1` of the matching
 * condition, `continue`), PCRE's `$`, `${…}` in condition fields (nested, API calls), `$${global}`;
 * then the product's two files as the simulator routes them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AppCall } from './channel.ts';
import { routeCall, type Dialplan, type RoutingSubject } from './dialplan.ts';
import { loadProductDialplan, parseDialplanXml, pcreRegExp } from './dialplan-xml.ts';
import { expandText } from './expansion.ts';
import { FreeSwitchSimulator } from './simulator.ts';
import { EslTestClient, bodyText } from './test-client.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A call to `destination` whose other fields and expansions come from `values`. */
function subject(destination: string, values: Record<string, string> = {}, context = 'default'): RoutingSubject {
  const lookup = (name: string): string | undefined => (name === 'destination_number' ? destination : values[name]);
  return {
    context,
    field: (name) => lookup(name) ?? '',
    expand: (text) => expandText(text, { variable: lookup, global: () => undefined, call: (api, argument) => values[`${api}(${argument})`] }),
  };
}

function apps(dialplan: Dialplan, call: RoutingSubject): string[] | undefined {
  return routeCall(dialplan, call)?.map(({ app, arg }: AppCall) => (arg ? `${app} ${arg}` : app));
}

describe('parsing', () => {
  it('reads contexts and bare extensions (into the given context), attributes as written', () => {
    const dialplan = parseDialplanXml(
      `<?xml version="1.0"?><include>
        <extension name="bare"><condition field="destination_number" expression="^1$"><action application="log" data=" spaced "/></condition></extension>
        <context name="other"><extension name="in-other" continue="true"><condition><action application="answer"/></condition></extension></context>
      </include>`,
      'public',
    );
    expect(dialplan.map((extension) => [extension.name, extension.context, extension.continue ?? false])).toEqual([['bare', 'public', false], ['in-other', 'other', true]]);
    expect(apps(dialplan, subject('1', {}, 'public'))).toEqual(['log  spaced ']);
  });

  it.each([
    ['<include><extension name="x"><condition field="destination_number" expression="^1$" wday="1"/></extension></include>', 'wday'],
    ['<include><extension name="x"><condition regex="any"><regex field="a" expression="b"/></condition></extension></include>', 'regex'],
    ['<include><extension name="x"><condition field="destination_number"/></extension></include>', 'field and expression'],
    ['<include><extension name="x"><condition field="a" expression="b" break="sometimes"/></extension></include>', 'break'],
    ['<include><extension><condition/></extension></include>', 'name='],
  ])('refuses what it does not simulate: %s', (xml, what) => {
    expect(() => parseDialplanXml(xml)).toThrow(expect.objectContaining({ code: 'SIM_BAD_CONFIG', message: expect.stringContaining(what) }));
  });

  it("PCRE's $ also matches before a final newline; (?!\\n) after it does not", () => {
    expect(pcreRegExp('^88[a-z]+$').test('88sales\n')).toBe(true);
    expect(pcreRegExp('^88[a-z]+$(?!\\n)').test('88sales\n')).toBe(false);
    expect(pcreRegExp('^88[a-z]+$(?!\\n)').test('88sales')).toBe(true);
    expect(pcreRegExp('^a[$]\\$$').test('a$$')).toBe(true);
  });
});

describe('the hunt', () => {
  const pickup = parseDialplanXml(`<include>
    <extension name="two-conditions">
      <condition field="destination_number" expression="^88(\\w+)$"/>
      <condition field="\${sip_authorized}/\${user_name}" expression="^true/(.+)$">
        <action application="set" data="picker=$1"/>
        <anti-action application="hangup" data="CALL_REJECTED"/>
      </condition>
    </extension>
    <extension name="lookup">
      <condition field="destination_number" expression="^pickup-\\w+$"/>
      <condition field="\${hash(select/tokens/\${destination_number})}" expression="^(.+)$">
        <action application="intercept" data="$1"/>
      </condition>
    </extension>
    <extension name="catch-all"><condition><action application="log" data="catch-all"/></condition></extension>
  </include>`);

  it('actions get $1 of their own condition; a field with ${…} is expanded when routing', () => {
    expect(apps(pickup, subject('88sales', { sip_authorized: 'true', user_name: '100' }))).toEqual(['set picker=100']);
  });

  it('a failing condition adds its anti-actions and the hunt goes on: they run before what matches later', () => {
    expect(apps(pickup, subject('88sales', { sip_authorized: 'true' }))).toEqual(['hangup CALL_REJECTED', 'log catch-all']);
  });

  it('nested expansion with an API call: a match ends the hunt; nothing found goes on', () => {
    expect(apps(pickup, subject('pickup-abc', { 'hash(select/tokens/pickup-abc)': 'A-leg' }))).toEqual(['intercept A-leg']);
    expect(apps(pickup, subject('pickup-abc'))).toEqual(['log catch-all']);
  });

  it('break="never" tries the next condition (the extension matches by its last); continue="true" goes on to the next extension', () => {
    const dialplan = parseDialplanXml(`<include>
      <extension name="never-breaks" continue="true">
        <condition field="destination_number" expression="^x$" break="never"><anti-action application="log" data="first failed"/></condition>
        <condition field="destination_number" expression="^(n)b$"><action application="log" data="second $1"/></condition>
      </extension>
      <extension name="after"><condition field="destination_number" expression="^nb$"><action application="log" data="after"/></condition></extension>
      <extension name="not-reached"><condition><action application="log" data="not reached"/></condition></extension>
    </include>`);
    expect(apps(dialplan, subject('nb'))).toEqual(['log first failed', 'log second n', 'log after']);
  });

  it('nothing in another context, nothing gathered: no route', () => {
    expect(routeCall(pickup, subject('88sales', {}, 'public'))).toBeUndefined();
  });
});

describe('expansion', () => {
  const scope = {
    variable: (name: string) => ({ a: 'A', b: 'a', empty: '' })[name],
    global: (name: string) => ({ controllers: '127.0.0.1:8084' })[name],
    call: (api: string, argument: string) => (api === 'upper' ? argument.toUpperCase() : undefined),
  };

  it.each([
    ['${a}-${missing}', 'A-'],
    ['${${b}}', 'A'],
    ['$${controllers}|x', '127.0.0.1:8084|x'],
    ['${upper(x${a})}', 'XA'],
    ['${unknown_api(1)}', ''],
    ['cost $5 ${a', 'cost $5 ${a'],
  ])('%s → %s', (text, expected) => {
    expect(expandText(text, scope)).toBe(expected);
  });
});

describe("the product's dialplan as the simulator routes it", () => {
  async function start(): Promise<{ sim: FreeSwitchSimulator; client: EslTestClient }> {
    const sim = new FreeSwitchSimulator({ parkTickMs: 2 });
    const port = await sim.listen(0);
    cleanups.push(() => sim.close());
    const client = await EslTestClient.subscribed(port, 'plain CHANNEL_EXECUTE');
    cleanups.push(() => client.close());
    return { sim, client };
  }

  async function executed(client: EslTestClient, uuid: string): Promise<string[]> {
    await client.command('api hostname');
    return client.events.filter((event) => event.get('Unique-ID') === uuid).map((event) => event.get('Application')!);
  }

  it('loads 00_fs_pickup.xml into default and fs_pickup_cluster.xml into its own context', () => {
    expect(loadProductDialplan().map((extension) => `${extension.context}/${extension.name}`)).toEqual([
      'default/fs_pickup_request',
      'fs_pickup_cluster/fs_pickup_token',
      'fs_pickup_cluster/fs_pickup_token_queue',
      'fs_pickup_cluster/fs_pickup_ring_relay',
      'fs_pickup_cluster/fs_pickup_cluster_unknown',
    ]);
  });

  it('an authenticated 88…: four rounds of sched_hangup, socket, bridge (empty: nothing), unset; with no controller reachable, 503 cause at once', async () => {
    const { sim, client } = await start();
    const picker = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales' });
    expect((await sim.waitForChannel(picker, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('NORMAL_TEMPORARY_FAILURE');
    const round = ['sched_hangup', 'socket', 'bridge', 'unset'];
    expect(await executed(client, picker)).toEqual(['set', 'set', 'set', ...round, ...round, ...round, 'sched_hangup', 'socket', 'bridge', 'hangup']);
  });

  it('unauthenticated: CALL_REJECTED and nothing else; not a pickup code: no route', async () => {
    const { sim, client } = await start();
    const anonymous = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled: '88sales', authenticated: false });
    expect((await sim.waitForChannel(anonymous, (channel) => channel.hangupCause !== undefined)).hangupCause).toBe('CALL_REJECTED');
    expect(await executed(client, anonymous)).toEqual(['hangup']);
    for (const dialled of ['88sales\n', '88 x', '99']) {
      const other = await sim.dialPickup({ extension: '100', domain: 'pbx.test', dialled });
      expect((await sim.waitForChannel(other, (channel) => channel.hangupCause !== undefined)).hangupCause, dialled).toBe('NO_ROUTE_DESTINATION');
    }
  });

  it("globals: setGlobal and global_setvar feed $${…} (expanded when the app runs) and ${…}; global_getvar reads them", async () => {
    const sim = new FreeSwitchSimulator({ dialplan: [{ name: 'g', expression: /^g$/, actions: [['set', 'seen=$${where}/${where}'], ['park']] }] });
    const port = await sim.listen(0);
    cleanups.push(() => sim.close());
    const client = await EslTestClient.connect(port);
    cleanups.push(() => client.close());
    await client.command('auth ClueCon');
    sim.setGlobal('where', 'first');
    expect(bodyText(await client.command('api global_getvar where'))).toBe('first');
    expect(bodyText(await client.command('api global_setvar where=second'))).toBe('+OK');
    const call = sim.sipCall({ fromHost: 'pbx.test', destination: 'g' });
    expect((await sim.waitForChannel(call, (channel) => channel.parked)).variables['seen']).toBe('second/second');
    expect(bodyText(await client.command('api global_setvar where='))).toBe('+OK');
    expect(bodyText(await client.command('api global_getvar where'))).toBe('-ERR no reply\n');
  });
});
