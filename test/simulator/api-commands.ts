/**
 * API commands (`api <cmd> <arg>` / `bgapi`), with the reply texts of the captures — trailing
 * newline or not exactly as FreeSWITCH sends them. An empty reply becomes `-ERR no reply\n` and an
 * unknown command `-ERR <cmd> Command not found!\n`, as in mod_event_socket's api_exec.
 */
import type { AppCall } from './channel.ts';
import { originate } from './originate.ts';
import { show } from './show-command.ts';
import type { EventStamper, NodeIdentity, SimEvent } from './sim-event.ts';
import type { SwitchCore } from './switch-core.ts';

/** Everything an API command may use. */
export interface ApiEnvironment {
  readonly core: SwitchCore;
  readonly identity: NodeIdentity;
}

/** One API command: its reply for an argument string. */
export type ApiHandler = (env: ApiEnvironment, argument: string) => string | Promise<string>;

const VERSION = 'FreeSWITCH Version 1.11.3-dev~64bit ( 64bit)\n';
const NO_SUCH_CHANNEL = '-ERR No such channel!\n';

/** The API event switch_api_execute fires for every API call (from a client, or from `${api(…)}` in an expansion). */
export function apiEvent(stamper: EventStamper, command: string, argument: string | undefined): SimEvent {
  return stamper.create('API', ['switch_loadable_module.c', 'switch_api_execute', 3140], [
    ['API-Command', command],
    ...(argument === undefined ? [] : ([['API-Command-Argument', argument]] as const)),
  ]);
}

/** Runs an API command: fires the API event, then the command. */
export async function executeApi(env: ApiEnvironment, command: string, argument: string | undefined): Promise<string> {
  env.core.fire(apiEvent(env.core.options.stamper, command, argument));
  const handler = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!handler) return `-ERR ${command} Command not found!\n`;
  const reply = await handler(env, argument ?? '');
  return reply === '' ? '-ERR no reply\n' : reply;
}

function words(argument: string): string[] {
  return argument.trim().split(/\s+/).filter((word) => word !== '');
}

const uuidExists: ApiHandler = ({ core }, argument) => String(core.find(argument.trim()) !== undefined);

const uuidGetvar: ApiHandler = ({ core }, argument) => {
  const [uuid = '', name] = words(argument);
  if (!name) return '-USAGE: <uuid> <var>\n';
  const channel = core.find(uuid);
  if (!channel) return NO_SUCH_CHANNEL;
  return channel.variables.get(name) ?? '_undef_';
};

const uuidSetvar: ApiHandler = ({ core }, argument) => {
  const [uuid = '', name, ...value] = argument.trim().split(' ');
  if (!name) return '-USAGE: <uuid> <var> [value]\n';
  const channel = core.find(uuid);
  if (!channel) return NO_SUCH_CHANNEL;
  if (value.length === 0 || value.join(' ') === '') channel.variables.delete(name);
  else channel.variables.set(name, value.join(' '));
  return '+OK\n';
};

/** uuid_setvar_multi <uuid> <var>=<value>;<var>=<value>…: split on ";" then at the first "="; an empty value unsets. */
const uuidSetvarMulti: ApiHandler = ({ core }, argument) => {
  const [uuid = '', ...rest] = argument.trim().split(' ');
  const list = rest.join(' ');
  if (!list) return '-USAGE: <uuid> <var>=<value>;<var>=<value>...\n';
  const channel = core.find(uuid);
  if (!channel) return NO_SUCH_CHANNEL;
  for (const assignment of list.split(';')) {
    const equals = assignment.indexOf('=');
    if (equals <= 0) continue;
    const value = assignment.slice(equals + 1);
    if (value === '') channel.variables.delete(assignment.slice(0, equals));
    else channel.variables.set(assignment.slice(0, equals), value);
  }
  return '+OK\n';
};

/** uuid_kill acts at once, from outside the channel's thread (no park tick). */
const uuidKill: ApiHandler = ({ core }, argument) => {
  const [uuid = '', cause = 'NORMAL_CLEARING'] = words(argument);
  const channel = core.find(uuid);
  if (!channel) return NO_SUCH_CHANNEL;
  core.hangup(channel, cause);
  return '+OK\n';
};

/** uuid_transfer <uuid> [-bleg|-both] <dest> [<dialplan>] [<context>]; `inline` takes `app:arg,app:arg`. */
const uuidTransfer: ApiHandler = ({ core }, argument) => {
  const parts = words(argument);
  const channel = core.find(parts[0] ?? '');
  if (!channel) return NO_SUCH_CHANNEL;
  const leg = parts[1] === '-bleg' || parts[1] === '-both' ? parts[1] : undefined;
  const [destination = '', dialplan = 'XML', context = channel.profile.context] = parts.slice(leg ? 2 : 1);
  const targets = leg === '-bleg' ? [channel.bridge?.peer] : leg === '-both' ? [channel, channel.bridge?.peer] : [channel];
  for (const target of targets) {
    if (!target) continue;
    const program = dialplan === 'inline' ? inlineProgram(destination) : core.lookupDialplan(target, destination, context);
    if (program) core.transfer(target, program);
    else core.hangup(target, 'NO_ROUTE_DESTINATION');
  }
  return '+OK\n';
};

function inlineProgram(text: string): AppCall[] {
  return text.split(',').map((step) => {
    const colon = step.indexOf(':');
    return colon < 0 ? { app: step, arg: '' } : { app: step.slice(0, colon), arg: step.slice(colon + 1) };
  });
}

const hupall: ApiHandler = ({ core }, argument) => {
  const [cause = 'MANAGER_REQUEST', variable, value] = words(argument);
  for (const channel of core.liveChannels()) {
    if (variable === undefined || channel.variables.get(variable) === value) core.hangup(channel, cause);
  }
  return variable === undefined
    ? `+OK hangup all channels with cause ${cause}\n`
    : `+OK hangup all channels matching [${variable}]=[${value ?? ''}] with cause: ${cause}\n`;
};

/** `hash insert|delete|select/<realm>/<key>[/<value>]`, also what `${hash(…)}` in an expansion runs. */
export function runHash(core: SwitchCore, argument: string): string {
  const [action, realm = '', key = '', ...value] = argument.trim().split('/');
  const entries = core.hashRealm(realm);
  if (action === 'select') return entries.get(key) ?? '';
  if (action === 'insert') entries.set(key, value.join('/'));
  else if (action === 'delete') entries.delete(key);
  else return '-ERR Usage: hash [insert|delete|select]/<realm>/<key>[/<value>]\n';
  return '+OK\n';
}

/** `chat <proto>|<from>|<to>|<message>[|<type>]` (sip-messaging.ts). */
const chat: ApiHandler = ({ core }, argument) => core.options.messaging.chat(core, argument);

function status({ core }: ApiEnvironment): string {
  const ms = Date.now() - core.startedAt;
  const seconds = Math.floor(ms / 1000);
  const live = core.liveChannels().length;
  return (
    `UP 0 years, 0 days, ${Math.floor(seconds / 3600)} hours, ${Math.floor(seconds / 60) % 60} minutes, ` +
    `${seconds % 60} seconds, ${ms % 1000} milliseconds, 0 microseconds\n` +
    'FreeSWITCH (Version 1.11.3-dev  64bit) is ready\n' +
    `${core.sessionsSinceStartup} session(s) since startup\n` +
    `${live} session(s) - peak ${live}, last 5min ${live} \n` +
    '0 session(s) per Sec out of max 30, peak 0, last 5min 0 \n' +
    '1000 session(s) max\nmin idle cpu 0.00/99.00\nCurrent Stack Size/Max 240K/8192K\n'
  );
}

/** `user_exists id <user> <domain>`: "true"/"false" for configured directory users. */
const userExists: ApiHandler = ({ core }, argument) => {
  const [, user = '', domain = ''] = words(argument);
  return String(core.options.directory.configured(user, domain) !== undefined);
};

/** `user_data <user>@<domain> var|param <name>`: a directory variable or param (dial-string, dial-var-*). */
const userData: ApiHandler = ({ core }, argument) => {
  const [address = '', kind, name = ''] = words(argument);
  const [user = '', domain = ''] = address.split('@');
  const entry = core.options.directory.configured(user, domain);
  if (!entry) return '';
  if (kind === 'var') return entry.variables?.[name] ?? '';
  if (name === 'dial-string') return entry.dialString ?? '';
  return name.startsWith('dial-var-') ? (entry.dialVariables?.[name.slice('dial-var-'.length)] ?? '') : '';
};

/** `global_getvar <name>`: core_uuid is the running process's; the rest come from the globals (hostname, local_ip_v4 and what was set). */
const globalGetvar: ApiHandler = ({ core, identity }, argument) => {
  const name = argument.trim();
  return name === 'core_uuid' ? identity.coreUuid : (core.options.globals.get(name) ?? '');
};

/** `global_setvar <name>=<value>` (an empty value unsets); FreeSWITCH answers `+OK` without a newline (16a). */
const globalSetvar: ApiHandler = ({ core }, argument) => {
  const equals = argument.indexOf('=');
  const name = (equals < 0 ? argument : argument.slice(0, equals)).trim();
  const value = equals < 0 ? '' : argument.slice(equals + 1);
  if (name === '') return '';
  if (value === '') core.options.globals.delete(name);
  else core.options.globals.set(name, value);
  return '+OK';
};

const COMMANDS: Readonly<Record<string, ApiHandler>> = {
  version: () => VERSION,
  hostname: ({ identity }) => identity.hostname,
  status,
  global_getvar: globalGetvar,
  global_setvar: globalSetvar,
  show,
  uuid_exists: uuidExists,
  uuid_getvar: uuidGetvar,
  uuid_setvar: uuidSetvar,
  uuid_setvar_multi: uuidSetvarMulti,
  uuid_kill: uuidKill,
  uuid_transfer: uuidTransfer,
  hupall,
  hash: ({ core }, argument) => runHash(core, argument),
  user_exists: userExists,
  user_data: userData,
  chat,
  originate: ({ core }, argument) => originate(core, argument),
};
