import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadAdminConfig, type RedisTarget } from '../config/config.ts';
import { validateGroupSettingsInput } from '../domain/group-settings-input.ts';
import { groupNameError } from '../domain/groups.ts';
import { EMPTY_PREFERENCES, type UserPreferences } from '../domain/preferences.ts';
import { usersNamed, validateUserChanges } from '../domain/user-changes.ts';
import { formatUserRef, parseUserRef, validateDomain, type UserRef } from '../domain/users.ts';
import { GroupSettingsStore } from '../store/group-settings-store.ts';
import { Keys } from '../store/keys.ts';
import { NodeRegistry } from '../store/node-registry.ts';
import { followRecords } from '../store/pickup-follow.ts';
import { PickupRecordStore } from '../store/pickup-records.ts';
import { PreferenceStore } from '../store/preference-store.ts';
import { createRedis, type RedisConnection } from '../store/redis-connection.ts';
import { terminationSignal } from './follow.ts';
import { formatImportFile, groupTarget, noticesInput, parseImportFile, type RawGroupSetting, type RawPreferenceChange } from './import-format.ts';
import { printNotices, printProblems, printRows } from './output.ts';
import { printRecords } from './record-output.ts';
import { describeRedisTarget } from './redis-target.ts';
import { spellingWarnings } from './spelling-warnings.ts';

const USAGE = `pickupctl — call and pickup groups of fs-pickup users (stored in Redis: FSP_REDIS_URL)

usage:
  pickupctl set <ext@domain>... [--call-groups <list>] [--pickup-groups <list>]
                [--acl-groups <list>] [--group-pickup yes|no] [--pickup-queues <list>]
                [--never-pickable yes|no] [--pickup-notices yes|no]
        set the preferences of one user or of many at once (all or nothing); an omitted option is left as it
        is, an empty list ("") clears it. Lists are comma-separated, e.g. --call-groups "Support,Sales".
        Group names are case-sensitive: "Sales" and "sales" are two groups (a pickup group that matches a call
        group only except for case gets a warning). Pickup groups are kept in the order given: 88* alone picks
        up from the first of them that has a ringing call. Every invalid entry is reported; nothing is written.
        --acl-groups / --group-pickup: the legacy ACL groups and "Can - Call Pickup - Group" permission;
        --pickup-queues: call queues (88cg_<id>) the user may pick up from (none by default);
        --never-pickable yes: calls to the user are never picked up by anyone (default no);
        --pickup-notices no: the user gets no pickup notices (default yes)
  pickupctl clear <ext@domain>...        remove everything (back to legacy behaviour, no rights, the defaults)
  pickupctl import <file|->              set many users from lines "ext@domain;call groups;pickup groups"
                                         (optionally ";ACL groups;group pickup;pickup queues", then
                                         ";never pickable;pickup notices"), and call groups' notices from
                                         lines "group:<group>@<domain>;<seconds|lamp|off>"; every bad line is
                                         reported with its number, and nothing is written then
  pickupctl export <domain>              print every configured user of a domain, and the notices of its call
                                         groups, in the import format:
                                         pickupctl export pbx.example.com > users.txt; pickupctl import users.txt
  pickupctl notify <group>@<domain> [<seconds|lamp|off>]
                                         what a call group tells about its pickable calls: lamp (the default)
                                         lights its BLF lamp (88<group>); <seconds> lights it and sends users
                                         who may pick a call up a SIP MESSAGE once it rang that long
                                         unanswered; off does neither. Without a value: show the setting
  pickupctl show <ext@domain>...         show users' groups and behaviour, or that a user is not configured
  pickupctl list <domain>                list every configured user of a domain
  pickupctl nodes                        list the FreeSWITCH nodes the controllers serve, and which are up
  pickupctl history <domain> [--count <n>] [--follow]
                                         the domain's last pickup requests, oldest first (20 unless --count,
                                         1 to 10000), one a line: time, picker, what was dialled for, result
                                         (and why it failed), call, caller, picker's node → call's node,
                                         attempts, decision and pickup times; --follow then prints each new
                                         one as it comes, until Ctrl-C
options: --json (machine-readable output; history: one JSON object per line; export always prints the import
         format), --help
exit codes: 0 done, 1 invalid input (nothing written), 2 usage or invalid FSP_* configuration,
            3 Redis unavailable, 4 show: a user is not configured (the others are still shown)`;

const COMMANDS = new Set(['set', 'clear', 'import', 'export', 'show', 'list', 'notify', 'nodes', 'history']);

/** Exit codes of pickupctl (listed in USAGE and the README). */
const EXIT = { ok: 0, invalid: 1, usage: 2, unavailable: 3, notConfigured: 4 } as const;

/** Records `history` prints unless --count says otherwise, and the most it prints (what a domain's stream keeps). */
const HISTORY_COUNT = { default: 20, max: 10_000 } as const;

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

/** What every command gets. */
interface Context {
  readonly store: PreferenceStore;
  readonly keys: Keys;
  readonly redis: RedisConnection;
  /** Opens another connection to the same Redis, for a command that blocks one (history --follow). */
  readonly connect: () => Promise<RedisConnection>;
  readonly io: CliIo;
  readonly json: boolean;
}

/**
 * How long pickupctl waits for Redis before it gives up: each connection attempt times out after 5 s, but with
 * Sentinel ioredis keeps asking the Sentinels again for ever.
 */
const CONNECT_DEADLINE_MS = 10_000;

/** Runs pickupctl with `argv` (without node and script) and resolves with the exit code. */
export async function runCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: CliIo = processIo,
  connectDeadlineMs = CONNECT_DEADLINE_MS,
): Promise<number> {
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
        'never-pickable': { type: 'string' },
        'pickup-notices': { type: 'string' },
        count: { type: 'string' },
        follow: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  const [command, ...args] = parsed.positionals;
  if (parsed.values.help || !command) {
    io.out(USAGE);
    return parsed.values.help ? EXIT.ok : EXIT.usage;
  }
  if (!COMMANDS.has(command)) return usage(io, `unknown command ${JSON.stringify(command)}`);
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
  const where = describeRedisTarget(config.redis);
  const connect = (): Promise<RedisConnection> => openRedis(config.redis, connectDeadlineMs);
  let redis;
  try {
    redis = await connect();
  } catch (error) {
    io.err(`cannot reach Redis at ${where}: ${(error as Error).message}`);
    return EXIT.unavailable;
  }
  const keys = new Keys(config.keyPrefix);
  const context: Context = { store: new PreferenceStore(redis, keys), keys, redis, connect, io, json: parsed.values.json ?? false };
  const { values } = parsed;
  try {
    switch (command) {
      case 'set': {
        const fields = {
          callGroups: values['call-groups'],
          pickupGroups: values['pickup-groups'],
          aclGroups: values['acl-groups'],
          groupPickup: values['group-pickup'],
          pickupQueues: values['pickup-queues'],
          neverPickable: values['never-pickable'],
          pickupNotices: values['pickup-notices'],
        };
        if (args.length === 0 || Object.values(fields).every((value) => value === undefined)) return usage(io, 'set needs at least one user and at least one option to set');
        return await applyChanges(context, args.map((user) => ({ user, ...fields })));
      }
      case 'clear':
        if (args.length === 0) return usage(io, 'clear needs at least one user');
        return await applyChanges(context, args.map((user) => ({ user, ...DEFAULT_INPUT })));
      case 'import':
        if (args.length !== 1) return usage(io, 'import needs one file (or - for standard input)');
        return await importFile(context, io.readInput(args[0] as string));
      case 'export':
        return args.length === 1 ? await exportDomain(context, args[0] as string) : usage(io, 'export needs one domain');
      case 'show':
        return args.length > 0 ? await show(context, args) : usage(io, 'show needs at least one user');
      case 'list':
        return args.length === 1 ? await list(context, args[0] as string) : usage(io, 'list needs one domain');
      case 'notify':
        if (args.length === 1) return await showNotices(context, args[0] as string);
        return args.length === 2 ? await notify(context, args[0] as string, args[1] as string) : usage(io, 'notify needs <group>@<domain> and, to set it, a number of seconds, "lamp" or "off"');
      case 'history': {
        const count = historyCount(values.count);
        if (args.length !== 1) return usage(io, 'history needs one domain');
        if (count === undefined) return usage(io, `--count must be a whole number from 1 to ${HISTORY_COUNT.max}`);
        return await history(context, args[0] as string, count, values.follow ?? false);
      }
      default: // 'nodes': the only one left of COMMANDS
        return await nodes(context);
    }
  } catch (error) {
    io.err(`Redis failed (${where}): ${(error as Error).message}`);
    return EXIT.unavailable;
  } finally {
    redis.disconnect();
  }
}

/** A problem as printed, with the line of the import file it is on (0: not from a file), to print them in order. */
interface PrintedProblem {
  readonly line: number;
  readonly text: string;
}

/** Every setting of a user at its default: what `clear` sets. */
const DEFAULT_INPUT = {
  callGroups: '',
  pickupGroups: '',
  aclGroups: '',
  groupPickup: EMPTY_PREFERENCES.groupPickup,
  pickupQueues: '',
  neverPickable: EMPTY_PREFERENCES.neverPickable,
  pickupNotices: EMPTY_PREFERENCES.pickupNotices,
} as const;

/**
 * Validates every change against current values (every problem of every change, users' and groups'), then writes
 * all of them or none; `refused` are problems found before (malformed import lines), reported with the others.
 */
async function applyChanges(
  { store, redis, keys, io, json }: Context,
  changes: readonly RawPreferenceChange[],
  refused: readonly PrintedProblem[] = [],
  groups: readonly RawGroupSetting[] = [],
): Promise<number> {
  const result = validateUserChanges(changes, await store.currentOf(usersNamed(changes)));
  const settings = groups.map((group) => ({ line: group.line, result: validateGroupSettingsInput(group) }));
  const badSettings = settings.flatMap(({ line, result: setting }) => (setting.ok ? [] : setting.problems.map((problem) => printed(`${problem.message} [${problem.code}]`, line))));
  if (!result.ok || refused.length > 0 || badSettings.length > 0) {
    const invalid = result.ok ? [] : result.rejected.flatMap(({ change, problems }) => problems.map((problem) => printed(`${problem.message} [${problem.code}]`, change.line)));
    printProblems(io, [...refused, ...invalid, ...badSettings].sort((a, b) => a.line - b.line).map((problem) => problem.text));
    return EXIT.invalid;
  }
  await store.setMany(result.changes);
  const groupSettings = new GroupSettingsStore(redis, keys);
  for (const { result: setting } of settings) if (setting.ok) await groupSettings.set(setting.domain, setting.group, setting.notices);
  printRows(io, result.changes.map((c) => ({ user: formatUserRef(c.user), preferences: c.preferences })), json);
  for (const warning of await spellingWarnings(store, result.changes)) io.err(warning);
  return EXIT.ok;
}

/** Every malformed line and every invalid entry of the file, or all of its users and groups written. */
async function importFile(context: Context, text: string): Promise<number> {
  const file = parseImportFile(text);
  // The error's message names its line already.
  return applyChanges(context, file.changes, file.errors.map((error) => ({ line: error.line, text: `${error.message} [${error.code}]` })), file.groups);
}

function printed(text: string, line: number | undefined): PrintedProblem {
  return line === undefined ? { line: 0, text } : { line, text: `line ${line}: ${text}` };
}

/** The domain's users and the notices of the call groups they belong to (a group no user is in rings nothing). */
async function exportDomain({ store, redis, keys, io }: Context, domain: string): Promise<number> {
  const rows = await configuredUsers(store, io, domain);
  if (typeof rows === 'number') return rows;
  const groupSettings = new GroupSettingsStore(redis, keys);
  const callGroups = [...new Set(rows.flatMap((row) => row.preferences.callGroups))].sort();
  const groups = await Promise.all(callGroups.map(async (group) => ({ group, notices: await groupSettings.get(domain, group) })));
  if (rows.length > 0) io.out(formatImportFile(domain, rows, groups));
  return EXIT.ok;
}

async function list({ store, io, json }: Context, domain: string): Promise<number> {
  const rows = await configuredUsers(store, io, domain);
  if (typeof rows === 'number') return rows;
  printRows(io, rows.map((row) => ({ user: `${row.extension}@${domain}`, preferences: row.preferences })), json);
  return EXIT.ok;
}

/** The configured users of a valid domain (saying so on stderr when there are none), or the exit code of a bad domain. */
async function configuredUsers(store: PreferenceStore, io: CliIo, domain: string): Promise<Array<{ extension: string; preferences: UserPreferences }> | number> {
  const invalid = validateDomain(domain);
  if (invalid) {
    io.err(invalid.message);
    return EXIT.invalid;
  }
  const rows = await store.list(domain);
  // stderr: stdout stays empty (and valid JSON is not expected of nothing), but the admin learns why.
  if (rows.length === 0) io.err(`no configured user in ${domain} (users are configured with pickupctl set or import)`);
  return rows;
}

/** Users' preferences; a user never configured is shown as such, and the exit code says so. */
async function show({ store, io, json }: Context, args: readonly string[]): Promise<number> {
  const users: UserRef[] = [];
  for (const value of args) {
    const ref = parseUserRef(value);
    if (!ref.ok) {
      io.err(ref.error.message);
      return EXIT.invalid;
    }
    users.push(ref.user);
  }
  // A user with no revision has no preferences stored: never configured, or cleared.
  const stored = await store.getRevised(users);
  const rows = users.map((user, i) => ({ user: formatUserRef(user), preferences: stored[i]!.preferences, configured: stored[i]!.revision !== '' }));
  printRows(io, rows, json);
  return rows.every((row) => row.configured) ? EXIT.ok : EXIT.notConfigured;
}

/** Sets what a call group tells about its pickable calls, given as one word (seconds, lamp or off). */
async function notify({ redis, keys, io, json }: Context, target: string, word: string): Promise<number> {
  if (!target.includes('@')) {
    io.err('nothing written: write the group as <group>@<domain>');
    return EXIT.invalid;
  }
  const settings = validateGroupSettingsInput({ ...groupTarget(target), ...noticesInput(word) });
  if (!settings.ok) {
    printProblems(io, settings.problems.map((problem) => `${problem.message} [${problem.code}]`));
    return EXIT.invalid;
  }
  await new GroupSettingsStore(redis, keys).set(settings.domain, settings.group, settings.notices);
  printNotices(io, settings, json);
  return EXIT.ok;
}

/** Shows what a call group tells about its pickable calls. */
async function showNotices({ redis, keys, io, json }: Context, target: string): Promise<number> {
  const { group, domain } = groupTarget(target);
  const problem = target.includes('@') ? (validateDomain(domain) ?? groupNameError(group, 'call'))?.message : 'write the group as <group>@<domain>';
  if (problem) {
    io.err(problem);
    return EXIT.invalid;
  }
  printNotices(io, { group, domain, notices: await new GroupSettingsStore(redis, keys).get(domain, group) }, json);
  return EXIT.ok;
}

async function nodes({ redis, keys, io, json }: Context): Promise<number> {
  const described = await new NodeRegistry(redis, keys, 'pickupctl').describeNodes();
  if (json) io.out(JSON.stringify(described));
  for (const n of json ? [] : described) io.out(`${n.node}\t${n.alive ? 'up' : 'DOWN'}\tsip=${n.sipAddress ?? '-'}\tcore=${n.coreUuid ?? '-'}`);
  return EXIT.ok;
}

/** --count as a number of records, or undefined when it is not a whole number from 1 to the maximum. */
function historyCount(option: string | undefined): number | undefined {
  if (option === undefined) return HISTORY_COUNT.default;
  const count = Number(option);
  return /^\d+$/.test(option) && count >= 1 && count <= HISTORY_COUNT.max ? count : undefined;
}

/**
 * Prints the newest `count` records of a domain, oldest first; with `follow`, then every record appended after
 * them, until Ctrl-C or SIGTERM (which end it with exit code 0).
 */
async function history(context: Context, domain: string, count: number, follow: boolean): Promise<number> {
  const { redis, keys, io, json } = context;
  const invalid = validateDomain(domain);
  if (invalid) {
    io.err(invalid.message);
    return EXIT.invalid;
  }
  // Taken before anything is printed: once a line is out, a signal ends the command cleanly.
  const termination = follow ? terminationSignal() : undefined;
  try {
    const recent = (await new PickupRecordStore(redis, keys).recent(domain, count)).reverse();
    // stderr, as for list: stdout only ever holds records.
    if (recent.length === 0) io.err(`no pickup record in ${domain}${follow ? ' yet; waiting for new ones (Ctrl-C ends)' : ' (records are kept 30 days after the last pickup)'}`);
    printRecords(io, recent, json);
    // From the newest record printed (none: the stream's start), so that nothing appended meanwhile is missed.
    if (termination) await followHistory(context, domain, recent.at(-1)?.id ?? '0-0', termination.signal);
    return EXIT.ok;
  } finally {
    termination?.dispose();
  }
}

/** Prints the records appended after `after` until `stop`, reading on a connection of its own (XREAD BLOCK holds it). */
async function followHistory({ keys, io, json, connect }: Context, domain: string, after: string, stop: AbortSignal): Promise<void> {
  const follower = await connect();
  // Closing the connection ends a blocked read at once.
  stop.addEventListener('abort', () => follower.disconnect(), { once: true });
  try {
    await followRecords(new PickupRecordStore(follower, keys), domain, after, (records) => printRecords(io, records, json), stop);
  } finally {
    follower.disconnect();
  }
}

/** A connection of pickupctl's own (no reconnects: a command fails rather than waits), connected within `deadlineMs`. */
async function openRedis(target: RedisTarget, deadlineMs: number): Promise<RedisConnection> {
  const redis = createRedis(target, false);
  redis.on('error', () => undefined);
  try {
    await connectWithin(redis, deadlineMs);
    return redis;
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

function connectWithin(redis: RedisConnection, deadlineMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${deadlineMs / 1000} s`)), deadlineMs);
  });
  return Promise.race([redis.connect(), deadline]).finally(() => clearTimeout(timer));
}

function usage(io: CliIo, problem: string): number {
  io.err(`${problem}\n\n${USAGE}`);
  return EXIT.usage;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
