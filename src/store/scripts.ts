import { readFileSync } from 'node:fs';
import type { RedisConnection } from './redis-connection.ts';
import packageJson from '../../package.json' with { type: 'json' };

/** The Lua scripts, one file each under lua/, named `<command>-<number of keys>.lua` (`-n`: any number). */
export const SCRIPT_NAMES = ['ringLeg', 'stopLeg', 'endCall', 'claimCall', 'releaseCall', 'offlineCall', 'setGroupNotices', 'regroupUsers'] as const;
export type ScriptName = (typeof SCRIPT_NAMES)[number];

const SCRIPT_KEYS: Record<ScriptName, number | 'n'> = { ringLeg: 2, stopLeg: 2, endCall: 2, claimCall: 'n', releaseCall: 2, offlineCall: 2, setGroupNotices: 2, regroupUsers: 1 };
const LUA_DIR = new URL('./lua/', import.meta.url);
const INCLUDE = /^--@include (\w+)$/m;

/** Reads a script and inlines its `--@include <name>` lines (lua/includes/<name>.lua): one copy of shared Lua. */
export function loadScriptSource(name: ScriptName): string {
  let source = readFileSync(new URL(`${name}-${SCRIPT_KEYS[name]}.lua`, LUA_DIR), 'utf8');
  for (let match = INCLUDE.exec(source); match; match = INCLUDE.exec(source)) {
    const included = readFileSync(new URL(`includes/${match[1]}.lua`, LUA_DIR), 'utf8');
    source = source.replace(match[0], () => included); // a function: `$'` in Lua patterns must not be read as a replacement token
  }
  return source;
}

/** The ioredis command name: carries the package version, so two deployed versions never share a stale script. */
export function commandName(name: ScriptName): string {
  return `fsp_${name}_${packageJson.version.replace(/\W/g, '_')}`;
}

/** Registers every script on a connection (EVALSHA with automatic EVAL fallback, works on a Cluster too). */
export function defineScripts(redis: RedisConnection): void {
  for (const name of SCRIPT_NAMES) {
    const keys = SCRIPT_KEYS[name];
    redis.defineCommand(commandName(name), keys === 'n' ? { lua: loadScriptSource(name) } : { numberOfKeys: keys, lua: loadScriptSource(name) });
  }
}

/** Runs a registered script. The one place that reaches into ioredis' dynamically added commands. */
export async function runScript(redis: RedisConnection, name: ScriptName, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
  const command = (redis as unknown as Record<string, (...a: Array<string | number>) => Promise<unknown>>)[commandName(name)];
  if (!command) throw new Error(`script ${name} is not defined on this connection`);
  // A script taking any number of keys gets their count first (ioredis' convention without numberOfKeys).
  return SCRIPT_KEYS[name] === 'n' ? command.call(redis, keys.length, ...keys, ...args) : command.call(redis, ...keys, ...args);
}
