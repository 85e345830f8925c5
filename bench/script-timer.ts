import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { loadScriptSource, type ScriptName } from '../src/store/scripts.ts';

/**
 * Times every run of one of the store's Lua scripts inside Redis, apart from round trips and client work: SLOWLOG
 * with no threshold records each command's own execution time. Only for the benchmark's private redis-server.
 */
export class ScriptTimer {
  private constructor(
    private readonly redis: Redis,
    private readonly sha: string,
  ) {}

  static async start(redis: Redis, script: ScriptName): Promise<ScriptTimer> {
    await redis.config('SET', 'slowlog-log-slower-than', '0');
    await redis.config('SET', 'slowlog-max-len', '1000000');
    await redis.slowlog('RESET');
    // ioredis runs a defined script by EVALSHA of its source.
    return new ScriptTimer(redis, createHash('sha1').update(loadScriptSource(script)).digest('hex'));
  }

  /** The script's runs since start (ms); Redis' default slow log settings are back afterwards. */
  async stop(): Promise<number[]> {
    const entries = (await this.redis.slowlog('GET', '-1')) as Array<[number, number, number, string[]]>;
    await this.redis.config('SET', 'slowlog-log-slower-than', '10000');
    await this.redis.config('SET', 'slowlog-max-len', '128');
    return entries.filter(([, , , args]) => args[0]?.toLowerCase() === 'evalsha' && args[1] === this.sha).map(([, , micros]) => micros / 1000);
  }
}
