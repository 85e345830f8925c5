import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadAdminConfig } from '../config/config.ts';
import { behaviourOf, EMPTY_PREFERENCES, type UserPreferences } from '../domain/preferences.ts';
import { parseUserRef, validateDomain, type UserRef } from '../domain/users.ts';
import { Keys } from '../store/keys.ts';
import { groupNameViolation } from '../domain/groups.ts';
import { GroupSettingsStore } from '../store/group-settings-store.ts';
import { NodeRegistry } from '../store/node-registry.ts';
import { PreferenceStore } from '../store/preference-store.ts';
import { createRedis } from '../store/redis-connection.ts';
import { parseImportFile, type RawPreferenceChange, validateChanges } from './preference-changes.ts';

const USAGE = `pickupctl — call and pickup groups of fs-pickup users (stored in Redis: FSP_REDIS_URL)

usage:
  pickupctl set <ext@domain>... [--call-groups <list>] [--pickup-groups <list>]
                [--acl-groups <list>] [--group-pickup yes|no] [--pickup-queues <list>]
        set the preferences of one user or of many at once (all or nothing); an omitted option is left as it
        is, an empty list ("") clears it. Lists are comma-separated, e.g. --call-groups "Support,Sales".
        --acl-groups / --group-pickup: the legacy ACL groups and "Can - Call Pickup - Group" permission;
        --pickup-queues: call queues (88cg_<id>) the user may pick up from (none by default)
  pickupctl clear <ext@domain>...        remove everything (back to legacy behaviour, no rights)
  pickupctl import <file|->              set many users from lines "ext@domain;call groups;pickup groups"
                                         (optionally ";ACL groups;group pickup;pickup queues")
  pickupctl notify <group>@<domain> <seconds|off>
                                         pickup notices for a call group: after a call rang that long
                                         unanswered, users who may pick it up get a SIP MESSAGE (off by default)
  pickupctl show <ext@domain>...         show users' groups and behaviour
  pickupctl list <domain>                list every configured user of a domain
  pickupctl nodes                        list the FreeSWITCH nodes the controllers serve, and which are up
options: --json (machine-readable output), --help
exit codes: 0 done, 1 invalid input (nothing written), 2 usage, 3 Redis unavailable`;

/** Exit codes of pickupctl. */
const EXIT = { ok: 0, invalid: 1, usage: 2, unavailable: 3 } as const;

/** Where pickupctl writes; injectable for tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readInput(path: string): string;
}

const processIo: CliIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  readInput: (path) => readFileSync(path === '-' ? 0 : path, 'utf8'),
};

/** Runs pickupctl with `argv` (without node and script) and resolves with the exit code. */
export async function runCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env, io: CliIo = processIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        'call-groups': { type: 'string' },
        'pickup-groups': { type: 'string' },
        'acl-groups': { type: 'string' },
        'group-pickup': { type: 'string' },
        'pickup-queues': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return EXIT.usage;
  }
  const [command, ...args] = parsed.positionals;
  if (parsed.values.help || !command) {
    io.out(USAGE);
    return parsed.values.help ? EXIT.ok : EXIT.usage;
  }
  let config;
  try {
    config = loadAdminConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.err(error.message);
      return EXIT.usage;
    }
    throw error;
  }
  const redis = createRedis(config.redis, false);
  redis.on('error', () => undefined);
  try {
    await redis.connect();
  } catch (error) {
    io.err(`cannot reach Redis (${config.redis.kind}): ${(error as Error).message}`);
    return EXIT.unavailable;
  }
  const store = new PreferenceStore(redis, new Keys(config.keyPrefix));
  const json = parsed.values.json ?? false;
  try {
    switch (command) {
      case 'set': {
        const fields = {
          callGroups: parsed.values['call-groups'],
          pickupGroups: parsed.values['pickup-groups'],
          aclGroups: parsed.values['acl-groups'],
          groupPickup: parsed.values['group-pickup'],
          pickupQueues: parsed.values['pickup-queues'],
        };
        if (args.length === 0 || Object.values(fields).every((value) => value === undefined)) {
          io.err(`set needs at least one user and at least one option to set\n\n${USAGE}`);
          return EXIT.usage;
        }
        const changes = args.map((user) => ({ user, ...fields }));
        return await applyChanges(store, changes, io, json);
      }
      case 'clear':
        if (args.length === 0) return usage(io, 'clear needs at least one user');
        return await applyChanges(store, args.map((user) => ({ user, callGroups: '', pickupGroups: '', aclGroups: '', groupPickup: false, pickupQueues: '' })), io, json);
      case 'import': {
        if (args.length !== 1) return usage(io, 'import needs one file (or - for standard input)');
        const changes = parseImportFile(io.readInput(args[0] as string));
        if (!Array.isArray(changes)) {
          io.err(`nothing written: ${changes.error}`);
          return EXIT.invalid;
        }
        return await applyChanges(store, changes, io, json);
      }
      case 'show': {
        if (args.length === 0) return usage(io, 'show needs at least one user');
        const users: UserRef[] = [];
        for (const value of args) {
          const ref = parseUserRef(value);
          if (!ref.ok) {
            io.err(ref.error.message);
            return EXIT.invalid;
          }
          users.push(ref.user);
        }
        const rows = await Promise.all(users.map(async (user) => ({ user: `${user.extension}@${user.domain}`, preferences: await store.get(user) })));
        printRows(io, rows, json);
        return EXIT.ok;
      }
      case 'notify': {
        const [target, after] = args;
        if (args.length !== 2 || !target || !after) return usage(io, 'notify needs <group>@<domain> and a number of seconds or "off"');
        const at = target.lastIndexOf('@');
        const group = target.slice(0, at);
        const domain = target.slice(at + 1);
        const groupProblem = groupNameViolation(group);
        const domainProblem = validateDomain(domain);
        const seconds = after === 'off' ? undefined : Number(after);
        if (at < 0 || groupProblem || domainProblem || (seconds !== undefined && !(Number.isInteger(seconds) && seconds >= 1 && seconds <= 3600))) {
          io.err(`nothing written: ${at < 0 ? 'write the group as <group>@<domain>' : groupProblem ? `call group ${JSON.stringify(group)} is invalid (${groupProblem})` : domainProblem ? domainProblem.message : 'the delay is a whole number of seconds from 1 to 3600, or "off"'}`);
          return EXIT.invalid;
        }
        await new GroupSettingsStore(redis, new Keys(config.keyPrefix)).set(domain, group, { notifyAfterSeconds: seconds });
        io.out(json ? JSON.stringify({ group, domain, notifyAfterSeconds: seconds ?? null }) : `${group}@${domain}\tpickup notices ${seconds === undefined ? 'off' : `after ${seconds} s`}`);
        return EXIT.ok;
      }
      case 'nodes': {
        const nodes = await new NodeRegistry(redis, new Keys(config.keyPrefix), 'pickupctl').describeNodes();
        if (json) io.out(JSON.stringify(nodes));
        for (const n of json ? [] : nodes) io.out(`${n.node}\t${n.alive ? 'up' : 'DOWN'}\tsip=${n.sipAddress ?? '-'}\tcore=${n.coreUuid ?? '-'}`);
        return EXIT.ok;
      }
      case 'list': {
        const domain = args[0];
        if (args.length !== 1 || domain === undefined) return usage(io, 'list needs one domain');
        const invalid = validateDomain(domain);
        if (invalid) {
          io.err(invalid.message);
          return EXIT.invalid;
        }
        const rows = (await store.list(domain)).map((row) => ({ user: `${row.extension}@${domain}`, preferences: row.preferences }));
        printRows(io, rows, json);
        return EXIT.ok;
      }
      default:
        return usage(io, `unknown command ${JSON.stringify(command)}`);
    }
  } catch (error) {
    io.err(`Redis failed: ${(error as Error).message}`);
    return EXIT.unavailable;
  } finally {
    redis.disconnect();
  }
}

/** Validates every change against current values, then writes all of them or none. */
async function applyChanges(store: PreferenceStore, changes: readonly RawPreferenceChange[], io: CliIo, json: boolean): Promise<number> {
  const current = new Map<string, UserPreferences>();
  for (const change of changes) {
    const ref = parseUserRef(change.user);
    if (ref.ok) current.set(change.user, await store.get(ref.user));
  }
  const result = validateChanges(changes, (user) => current.get(`${user.extension}@${user.domain}`) ?? EMPTY_PREFERENCES);
  if (!result.ok) {
    io.err(`nothing written: ${result.rejected.length} of ${changes.length} change(s) invalid`);
    for (const { change, error } of result.rejected) io.err(`  ${change.source ? `${change.source}: ` : ''}${error.message} [${error.code}]`);
    return EXIT.invalid;
  }
  await store.setMany(result.changes);
  printRows(io, result.changes.map((c) => ({ user: `${c.user.extension}@${c.user.domain}`, preferences: c.preferences })), json);
  return EXIT.ok;
}

function printRows(io: CliIo, rows: ReadonlyArray<{ user: string; preferences: UserPreferences }>, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(rows.map(({ user, preferences }) => ({ user, ...preferences, behaviour: behaviourOf(preferences) }))));
    return;
  }
  const list = (values: readonly string[]): string => values.join(',') || '-';
  for (const { user, preferences: p } of rows) {
    const legacy = p.aclGroups.length > 0 || p.groupPickup ? `\tACL groups=${list(p.aclGroups)}\tgroup pickup=${p.groupPickup ? 'yes' : 'no'}` : '';
    const queues = p.pickupQueues.length > 0 ? `\tpickup queues=${list(p.pickupQueues)}` : '';
    io.out(`${user}\tbehaviour=${behaviourOf(p)}\tcall groups=${list(p.callGroups)}\tpickup groups=${list(p.pickupGroups)}${legacy}${queues}`);
  }
}

function usage(io: CliIo, problem: string): number {
  io.err(`${problem}\n\n${USAGE}`);
  return EXIT.usage;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
