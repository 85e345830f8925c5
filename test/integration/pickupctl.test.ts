import { afterAll, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../src/admin/cli.ts';
import { EMPTY_PREFERENCES } from '../../src/domain/preferences.ts';
import { NodeRegistry } from '../../src/store/node-registry.ts';
import { PreferenceStore } from '../../src/store/preference-store.ts';
import { keysUnder, testRedis } from '../helpers/redis-client.ts';

const { redis, keys, prefix, url } = testRedis();
const store = new PreferenceStore(redis, keys);
const env = { FSP_REDIS_URL: url, FSP_REDIS_KEY_PREFIX: prefix };

afterAll(() => redis.quit());

async function cli(args: string[], input = ''): Promise<{ code: number; out: string[]; err: string[] }> {
  return cliWith(env, args, input);
}

async function cliWith(environment: Record<string, string>, args: string[], input = '', connectDeadlineMs?: number): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readInput: () => input };
  const code = await runCli(args, environment, io, connectDeadlineMs);
  return { code, out, err };
}

describe('pickupctl against a real Redis', () => {
  it('sets, shows and lists a user’s groups and derives the behaviour', async () => {
    expect((await cli(['set', '100@pbx.test', '--call-groups', 'Support', '--pickup-groups', 'Support,Sales'])).code).toBe(0);
    const shown = await cli(['show', '100@pbx.test', '--json']);
    expect(JSON.parse(shown.out[0] ?? '')).toEqual([{ user: '100@pbx.test', configured: true, ...EMPTY_PREFERENCES, callGroups: ['Support'], pickupGroups: ['Support', 'Sales'], behaviour: 'groups' }]);
    expect((await cli(['list', 'pbx.test'])).out).toEqual(['100@pbx.test\tbehaviour=groups\tcall groups=Support\tpickup groups=Support,Sales']);
  });

  it('leaves an omitted field unchanged and clears a field given as ""', async () => {
    await cli(['set', '101@pbx.test', '--call-groups', 'sales', '--pickup-groups', 'sales']);
    await cli(['set', '101@pbx.test', '--pickup-groups', '']);
    expect(await store.get({ extension: '101', domain: 'pbx.test' })).toEqual({ ...EMPTY_PREFERENCES, callGroups: ['sales'] });
    await cli(['clear', '101@pbx.test']);
    const shown = await cli(['show', '101@pbx.test', '--json']);
    expect(JSON.parse(shown.out[0] ?? '')[0].behaviour).toBe('legacy');
  });

  it('sets many users at once, all or nothing: one invalid entry writes nothing and is named', async () => {
    const before = await keysUnder(redis, prefix);
    const result = await cli(['set', '200@pbx.test', '201@pbx.test', '202@pbx.test', '--call-groups', 'sales,cg_5']);
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/call group "cg_5" is invalid/);
    expect(result.err.join('\n')).toMatch(/FSP_ERR_INVALID_GROUP_NAME/);
    expect(await keysUnder(redis, prefix)).toEqual(before);
    expect((await cli(['set', '200@pbx.test', '201@pbx.test', '--call-groups', 'sales'])).code).toBe(0);
    expect((await store.get({ extension: '201', domain: 'pbx.test' })).callGroups).toEqual(['sales']);
  });

  it('refuses an invalid user reference and a field over 1024 characters, writing nothing', async () => {
    expect((await cli(['set', '300', '--call-groups', 'sales'])).err.join('')).toMatch(/extension@domain/);
    const tooLong = `${'a'.repeat(1020)},bbbb`;
    const refused = await cli(['set', '301@pbx.test', '--call-groups', tooLong]);
    expect(refused.code).toBe(1);
    expect(refused.err.join('')).toMatch(/1024/);
    expect(await store.get({ extension: '301', domain: 'pbx.test' })).toEqual(EMPTY_PREFERENCES);
    expect((await cli(['set', '301@pbx.test', '--call-groups', `${'a'.repeat(1019)},bbbb`])).code).toBe(0);
  });

  it('imports a file, all or nothing, naming the bad line', async () => {
    const bad = await cli(['import', 'users.txt'], '# user;call;pickup\n400@pbx.test;sales;\n401@pbx.test;sales team;sales\n');
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toMatch(/line 3: call group "sales team" is invalid/);
    expect((await store.get({ extension: '400', domain: 'pbx.test' })).callGroups).toEqual([]);
    const good = await cli(['import', '-'], '400@pbx.test;sales;\n401@pbx.test;support;sales,support\n');
    expect(good.code).toBe(0);
    expect(await store.get({ extension: '401', domain: 'pbx.test' })).toEqual({ ...EMPTY_PREFERENCES, callGroups: ['support'], pickupGroups: ['sales', 'support'] });
  });

  it('sets the legacy ACL groups, the group pickup right and pickup queues, validated like the rest', async () => {
    expect((await cli(['set', '500@pbx.test', '--acl-groups', '12,sales-floor', '--group-pickup', 'yes', '--pickup-queues', 'support'])).code).toBe(0);
    expect(await store.get({ extension: '500', domain: 'pbx.test' })).toEqual({ ...EMPTY_PREFERENCES, aclGroups: ['12', 'sales-floor'], groupPickup: true, pickupQueues: ['support'] });
    const shown = await cli(['show', '500@pbx.test']);
    expect(shown.out[0]).toBe('500@pbx.test\tbehaviour=legacy\tcall groups=-\tpickup groups=-\tACL groups=12,sales-floor\tgroup pickup=yes\tpickup queues=support');
    const refused = await cli(['set', '500@pbx.test', '--group-pickup', 'maybe']);
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toMatch(/FSP_ERR_INVALID_FLAG/);
    expect((await cli(['import', '-'], '501@pbx.test;;;7;no;cg_x\n')).err.join('\n')).toMatch(/pickup queue "cg_x" is invalid/);
    expect((await cli(['import', '-'], '501@pbx.test;;;7;yes;support\n')).code).toBe(0);
    expect((await store.get({ extension: '501', domain: 'pbx.test' })).aclGroups).toEqual(['7']);
  });

  it('sets what a group tells about its calls: a message after a delay, the lamp only (the default) or nothing; shows it', async () => {
    expect((await cli(['notify', 'sales@pbx.test'])).out).toEqual(['sales@pbx.test\tnotices=lamp (no message)']);
    expect((await cli(['notify', 'sales@pbx.test', '20'])).out).toEqual(['sales@pbx.test\tnotices=lamp and message after 20 s']);
    expect(await redis.hget(keys.groupSettings('pbx.test', 'sales'), 'notifyAfterSeconds')).toBe('20');
    expect(JSON.parse((await cli(['notify', 'sales@pbx.test', '--json'])).out[0] ?? '')).toEqual({ group: 'sales', domain: 'pbx.test', notify: 'message', notifyAfterSeconds: 20 });
    expect((await cli(['notify', 'sales@pbx.test', 'soon'])).code).toBe(1);
    expect((await cli(['notify', 'cg_1@pbx.test', '20'])).code).toBe(1);
    expect((await cli(['notify', 'sales@pbx.test', 'off'])).out).toEqual(['sales@pbx.test\tnotices=off (no lamp, no message)']);
    expect(await redis.hget(keys.groupSettings('pbx.test', 'sales'), 'notify')).toBe('off');
    expect((await cli(['notify', 'sales@pbx.test', 'lamp'])).code).toBe(0);
    // The default is stored as nothing at all.
    expect(await redis.exists(keys.groupSettings('pbx.test', 'sales'))).toBe(0);
  });

  it('reads a delay stored before the modes existed as notices by message', async () => {
    await redis.hset(keys.groupSettings('pbx.test', 'legacy'), 'notifyAfterSeconds', '15');
    expect((await cli(['notify', 'legacy@pbx.test'])).out).toEqual(['legacy@pbx.test\tnotices=lamp and message after 15 s']);
  });

  it('sets, shows and clears the never-pickable and pickup-notices settings of a user', async () => {
    expect((await cli(['set', '800@pbx.test', '--call-groups', 'Board', '--never-pickable', 'yes', '--pickup-notices', 'no'])).code).toBe(0);
    expect((await cli(['show', '800@pbx.test'])).out).toEqual(['800@pbx.test\tbehaviour=groups\tcall groups=Board\tpickup groups=-\tnever pickable=yes\tpickup notices=no']);
    expect(JSON.parse((await cli(['list', 'pbx.test', '--json'])).out[0] ?? '').find((row: { user: string }) => row.user === '800@pbx.test')).toMatchObject({ neverPickable: true, pickupNotices: false });
    // A user with only these set (no groups) is configured, and legacy.
    expect((await cli(['set', '801@pbx.test', '--never-pickable', 'yes'])).out).toEqual(['801@pbx.test\tbehaviour=legacy\tcall groups=-\tpickup groups=-\tnever pickable=yes']);
    expect((await cli(['set', '800@pbx.test', '--never-pickable', 'perhaps'])).err.join('\n')).toMatch(/neverPickable "perhaps" is invalid.*FSP_ERR_INVALID_FLAG/);
    expect((await cli(['clear', '800@pbx.test', '801@pbx.test'])).code).toBe(0);
    expect((await cli(['show', '801@pbx.test'])).code).toBe(4);
  });

  it('keeps the order of the pickup groups through set, show, export and import', async () => {
    await cli(['set', '900@order.test', '--pickup-groups', 'Zulu,alpha,Mike']);
    expect((await cli(['show', '900@order.test'])).out[0]).toContain('pickup groups=Zulu,alpha,Mike');
    const exported = (await cli(['export', 'order.test'])).out[0] ?? '';
    await cli(['clear', '900@order.test']);
    await cli(['import', '-'], exported);
    expect((await store.get({ extension: '900', domain: 'order.test' })).pickupGroups).toEqual(['Zulu', 'alpha', 'Mike']);
  });

  it('lists the nodes the controllers announced and whether they are up', async () => {
    const registry = new NodeRegistry(redis, keys, 'controller-x');
    await registry.heartbeat('node-up', { sipAddress: '10.0.0.1:5090', coreUuid: 'core-1' });
    await registry.heartbeat('node-down', { sipAddress: undefined, coreUuid: 'core-2' });
    await registry.withdraw('node-down');
    expect((await cli(['nodes'])).out).toEqual(['node-down\tDOWN\tsip=-\tcore=core-2', 'node-up\tup\tsip=10.0.0.1:5090\tcore=core-1']);
  });

  it('answers usage errors with exit code 2 and an unreachable Redis with 3', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['set', '100@pbx.test'])).code).toBe(2);
    const io: CliIo = { out: () => undefined, err: () => undefined, readInput: () => '' };
    expect(await runCli(['list', 'pbx.test'], { FSP_REDIS_URL: 'redis://127.0.0.1:1' }, io)).toBe(3);
  });

  it('names the Redis it could not reach: the URL without its password, or the Cluster nodes', async () => {
    const single = await cliWith({ FSP_REDIS_URL: 'redis://admin:s3cret@127.0.0.1:1/0' }, ['list', 'pbx.test']);
    expect(single.code).toBe(3);
    expect(single.err.join('\n')).toMatch(/^cannot reach Redis at redis:\/\/admin:\*\*\*@127\.0\.0\.1:1\/0: /);
    expect(single.err.join('\n')).not.toContain('s3cret');
    const cluster = await cliWith({ FSP_REDIS_CLUSTER_NODES: '127.0.0.1:1,127.0.0.1:2' }, ['list', 'pbx.test']);
    expect(cluster.code).toBe(3);
    expect(cluster.err.join('\n')).toMatch(/^cannot reach Redis at the Redis Cluster 127\.0\.0\.1:1,127\.0\.0\.1:2: /);
    // Unreachable Sentinels: pickupctl does not retry them (and would give up at its deadline anyway).
    const sentinel = await cliWith({ FSP_REDIS_SENTINELS: '127.0.0.1:1', FSP_REDIS_SENTINEL_NAME: 'pbx' }, ['list', 'pbx.test'], '', 2_000);
    expect(sentinel.code).toBe(3);
    expect(sentinel.out).toEqual([]);
    expect(sentinel.err.join('\n')).toMatch(/^cannot reach Redis at the master "pbx" of the Sentinels 127\.0\.0\.1:1: /);
  });

  it('documents every exit code in --help', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toMatch(/exit codes: 0 done, 1 invalid input \(nothing written\), 2 usage or invalid FSP_\* configuration,\s+3 Redis unavailable, 4 show: a user is not configured/);
  });
});

describe('pickupctl reports every problem at once, writing nothing', () => {
  const rules = {
    reserved: 'a name cannot start with "cg_", 88cg_<id> is the pickup of a call queue',
    digits: 'a name cannot be only digits, 88<digits> is the directed pickup of an extension',
    characters: 'only Latin letters, digits, "_" and "-" are allowed',
  };

  it.each([
    ['--pickup-groups', 'Sales,cg_x,12,bad name', [
      `pickup group "cg_x" is invalid: ${rules.reserved} [FSP_ERR_INVALID_GROUP_NAME]`,
      `pickup group "12" is invalid: ${rules.digits} [FSP_ERR_INVALID_GROUP_NAME]`,
      `pickup group "bad name" is invalid: ${rules.characters} (found " ") [FSP_ERR_INVALID_GROUP_NAME]`,
    ]],
    ['--call-groups', 'cg_1,Support,,2,x.y', [
      `call group "cg_1" is invalid: ${rules.reserved} [FSP_ERR_INVALID_GROUP_NAME]`,
      'call groups "cg_1,Support,,2,x.y" are invalid: an entry is empty (two commas in a row, or a comma at the start or end) [FSP_ERR_INVALID_GROUP_LIST]',
      `call group "2" is invalid: ${rules.digits} [FSP_ERR_INVALID_GROUP_NAME]`,
      `call group "x.y" is invalid: ${rules.characters} (found ".") [FSP_ERR_INVALID_GROUP_NAME]`,
    ]],
    ['--acl-groups', '12,a b,c!', [
      `ACL group "a b" is invalid: ${rules.characters} (found " ") [FSP_ERR_INVALID_ID]`,
      `ACL group "c!" is invalid: ${rules.characters} (found "!") [FSP_ERR_INVALID_ID]`,
    ]],
    ['--pickup-queues', 'cg_5,support,q 1', [
      'pickup queue "cg_5" is invalid: write the queue id without "cg_": it is what follows "cg_" in 88cg_<id> [FSP_ERR_INVALID_ID]',
      `pickup queue "q 1" is invalid: ${rules.characters} (found " ") [FSP_ERR_INVALID_ID]`,
    ]],
  ])('set %s %j names every bad entry with its rule, once for many users', async (option, value, expected) => {
    const before = await keysUnder(redis, prefix);
    const result = await cli(['set', '600@pbx.test', '601@pbx.test', option, value]);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([`nothing written: ${expected.length} problems`, ...expected.map((line) => `  ${line}`)]);
    expect(await keysUnder(redis, prefix)).toEqual(before);
  });

  it('reports the bad user references and the bad entries of every option together', async () => {
    const result = await cli(['set', '602', '603@pbx.test', '--call-groups', 'a b', '--group-pickup', 'maybe']);
    expect(result.code).toBe(1);
    expect(result.err.slice(1)).toEqual([
      '  user "602" is invalid: write it as extension@domain, with exactly one "@" [FSP_ERR_INVALID_USER]',
      `  call group "a b" is invalid: ${rules.characters} (found " ") [FSP_ERR_INVALID_GROUP_NAME]`,
      '  groupPickup "maybe" is invalid: use yes/no, true/false, on/off or 1/0 [FSP_ERR_INVALID_FLAG]',
    ]);
  });

  it('import reports every bad line and every bad entry with its line number, in line order', async () => {
    const file = [
      '# users',
      '610@pbx.test;Sales;Sales',
      '611@pbx.test;Sales',
      '612@pbx.test;cg_1;Sales,9',
      '',
      '613@pbx.test;;;1;maybe;',
      'bad-user;Sales;',
      '614@pbx.test;a;b;c;d;e;f',
      'group:Sales@pbx.test;soon',
      'group:Sales@pbx.test',
    ].join('\n');
    const result = await cli(['import', 'users.txt'], file);
    expect(result.code).toBe(1);
    expect(result.err).toEqual([
      'nothing written: 8 problems',
      '  line 3: expected "extension@domain;call groups;pickup groups" (3 columns separated by ";"), 6 with ";ACL groups;group pickup;pickup queues" or 8 with ";never pickable;pickup notices" as well, found 2 [FSP_ERR_INVALID_IMPORT_LINE]',
      `  line 4: call group "cg_1" is invalid: ${rules.reserved} [FSP_ERR_INVALID_GROUP_NAME]`,
      `  line 4: pickup group "9" is invalid: ${rules.digits} [FSP_ERR_INVALID_GROUP_NAME]`,
      '  line 6: groupPickup "maybe" is invalid: use yes/no, true/false, on/off or 1/0 [FSP_ERR_INVALID_FLAG]',
      '  line 7: user "bad-user" is invalid: write it as extension@domain, with exactly one "@" [FSP_ERR_INVALID_USER]',
      '  line 8: expected "extension@domain;call groups;pickup groups" (3 columns separated by ";"), 6 with ";ACL groups;group pickup;pickup queues" or 8 with ";never pickable;pickup notices" as well, found 7 [FSP_ERR_INVALID_IMPORT_LINE]',
      '  line 9: pickup notice delay "soon" is invalid: the delay is a whole number of seconds from 1 to 3600 [FSP_ERR_INVALID_NOTICE_DELAY]',
      '  line 10: expected "group:<group>@<domain>;<seconds|lamp|off>" (2 columns separated by ";"), found 1 [FSP_ERR_INVALID_IMPORT_LINE]',
    ]);
    expect(await store.get({ extension: '610', domain: 'pbx.test' })).toEqual(EMPTY_PREFERENCES);
  });
});

describe('pickupctl show, list and export', () => {
  it('show says a user is not configured, with its default behaviour, and exits with 4', async () => {
    await cli(['set', '620@show.test', '--call-groups', 'Sales']);
    const result = await cli(['show', '620@show.test', '999@show.test']);
    expect(result.code).toBe(4);
    expect(result.out[0]).toBe('620@show.test\tbehaviour=groups\tcall groups=Sales\tpickup groups=-');
    expect(result.out[1]).toMatch(/^999@show\.test\tnot configured\tthe default: behaviour=legacy, no groups, no ACL group, no group pickup right, no pickup queue/);
    const json = JSON.parse((await cli(['show', '999@show.test', '--json'])).out[0] ?? '');
    expect(json).toEqual([{ user: '999@show.test', configured: false, ...EMPTY_PREFERENCES, behaviour: 'legacy' }]);
    expect((await cli(['show', '620@show.test'])).code).toBe(0);
    await cli(['clear', '620@show.test']);
    expect((await cli(['show', '620@show.test'])).code).toBe(4);
  });

  it('list and export of a domain without users say so on stderr and print nothing', async () => {
    for (const command of ['list', 'export']) {
      const result = await cli([command, 'empty.test']);
      expect(result).toEqual({ code: 0, out: [], err: ['no configured user in empty.test (users are configured with pickupctl set or import)'] });
    }
  });

  it('export prints what import reads: export, clear, import restores every user of the domain', async () => {
    await cli(['set', '100@round.test', '--call-groups', 'Support,sales-2', '--pickup-groups', 'Support,Sales,sales_X', '--pickup-queues', 'support,q-2']);
    await cli(['set', '101@round.test', '--pickup-groups', 'Sales']);
    await cli(['set', '102@round.test', '--acl-groups', '12,Office-2', '--group-pickup', 'yes', '--pickup-queues', 'support']);
    await cli(['set', '103@round.test', '--acl-groups', '7']);
    await cli(['set', 'john.doe@round.test', '--call-groups', 'Sales', '--acl-groups', '7', '--group-pickup', 'no', '--never-pickable', 'yes', '--pickup-notices', 'no']);
    await cli(['notify', 'Support@round.test', '30']);
    await cli(['notify', 'sales-2@round.test', 'off']);
    await cli(['set', '200@other.test', '--call-groups', 'Sales']);
    const before = await store.list('round.test');
    expect(before).toHaveLength(5);

    const exported = await cli(['export', 'round.test']);
    expect(exported.code).toBe(0);
    expect(exported.out).toHaveLength(1);
    expect(exported.out[0]?.split('\n')).toEqual([
      '# fs-pickup users of round.test: extension@domain;call groups;pickup groups;ACL groups;group pickup;pickup queues;never pickable;pickup notices',
      '100@round.test;Support,sales-2;Support,Sales,sales_X;;no;support,q-2;no;yes',
      '101@round.test;;Sales;;no;;no;yes',
      '102@round.test;;;12,Office-2;yes;support;no;yes',
      '103@round.test;;;7;no;;no;yes',
      'john.doe@round.test;Sales;;7;no;;yes;no',
      '# call groups: group:<group>@<domain>;<notices: seconds, lamp or off>',
      'group:Support@round.test;30',
      'group:sales-2@round.test;off',
    ]);

    expect((await cli(['clear', ...before.map((row) => `${row.extension}@round.test`)])).code).toBe(0);
    expect(await store.list('round.test')).toEqual([]);
    await cli(['notify', 'Support@round.test', 'lamp']);
    await cli(['notify', 'sales-2@round.test', 'lamp']);
    expect((await cli(['import', '-'], `${exported.out[0]}\n`)).code).toBe(0);
    expect((await cli(['notify', 'Support@round.test'])).out).toEqual(['Support@round.test\tnotices=lamp and message after 30 s']);
    expect((await cli(['notify', 'sales-2@round.test'])).out).toEqual(['sales-2@round.test\tnotices=off (no lamp, no message)']);
    const after = await store.list('round.test');
    expect(after.map(({ extension, preferences }) => ({ extension, preferences }))).toEqual(before.map(({ extension, preferences }) => ({ extension, preferences })));
    expect((await store.list('other.test')).map((row) => row.extension)).toEqual(['200']);
  });

  it('still reads import files of 3 and 6 columns: the settings they do not name keep their defaults', async () => {
    expect((await cli(['import', '-'], '910@old.test;Sales;Sales\n911@old.test;;;7;yes;q1\n912@old.test;Sales;;;;;;\n')).code).toBe(0);
    expect(await store.get({ extension: '910', domain: 'old.test' })).toEqual({ ...EMPTY_PREFERENCES, callGroups: ['Sales'], pickupGroups: ['Sales'] });
    expect(await store.get({ extension: '911', domain: 'old.test' })).toEqual({ ...EMPTY_PREFERENCES, aclGroups: ['7'], groupPickup: true, pickupQueues: ['q1'] });
    // Empty yes/no columns: the defaults (pickable, notices on).
    expect(await store.get({ extension: '912', domain: 'old.test' })).toEqual({ ...EMPTY_PREFERENCES, callGroups: ['Sales'] });
  });

  it('keeps the spelling of group names and warns when a pickup group differs from a call group only by case', async () => {
    await cli(['set', '700@case.test', '--call-groups', 'Sales']);
    const typo = await cli(['set', '701@case.test', '--pickup-groups', 'sales,Support']);
    expect(typo.code).toBe(0);
    expect(typo.out).toEqual(['701@case.test\tbehaviour=groups\tcall groups=-\tpickup groups=sales,Support']);
    expect(typo.err).toEqual(['warning: 701@case.test: pickup group "sales" matches no call group of case.test; "Sales" would, but for case (group names are case-sensitive)']);
    expect((await store.get({ extension: '701', domain: 'case.test' })).pickupGroups).toEqual(['sales', 'Support']);
    expect((await cli(['set', '702@case.test', '--pickup-groups', 'Sales'])).err).toEqual([]);
    // A call group set in the same batch counts.
    expect((await cli(['import', '-'], '703@case.test;support;\n704@case.test;;support\n')).err).toEqual([]);
  });
});
