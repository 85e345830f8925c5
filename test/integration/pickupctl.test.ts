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
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readInput: () => input };
  const code = await runCli(args, env, io);
  return { code, out, err };
}

describe('pickupctl against a real Redis', () => {
  it('sets, shows and lists a user’s groups and derives the behaviour', async () => {
    expect((await cli(['set', '100@pbx.test', '--call-groups', 'Support', '--pickup-groups', 'Support,Sales'])).code).toBe(0);
    const shown = await cli(['show', '100@pbx.test', '--json']);
    expect(JSON.parse(shown.out[0] ?? '')).toEqual([{ user: '100@pbx.test', ...EMPTY_PREFERENCES, callGroups: ['Support'], pickupGroups: ['Support', 'Sales'], behaviour: 'groups' }]);
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

  it('switches pickup notices of a group on and off, refusing bad input', async () => {
    expect((await cli(['notify', 'sales@pbx.test', '20'])).out).toEqual(['sales@pbx.test\tpickup notices after 20 s']);
    expect(await redis.hget(keys.groupSettings('pbx.test', 'sales'), 'notifyAfterSeconds')).toBe('20');
    expect((await cli(['notify', 'sales@pbx.test', 'soon'])).code).toBe(1);
    expect((await cli(['notify', 'cg_1@pbx.test', '20'])).code).toBe(1);
    expect((await cli(['notify', 'sales@pbx.test', 'off'])).code).toBe(0);
    expect(await redis.exists(keys.groupSettings('pbx.test', 'sales'))).toBe(0);
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
});
