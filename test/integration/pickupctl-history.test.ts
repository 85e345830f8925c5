/** `pickupctl history`: the pickup records of a domain, against the test run's redis-server. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type CliIo, runCli } from '../../src/admin/cli.ts';
import { type PickupRecord, PickupRecordStore } from '../../src/store/pickup-records.ts';
import { pickupRecord } from '../helpers/pickup-record.ts';
import { testRedis } from '../helpers/redis-client.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const { redis, keys, prefix, url } = testRedis();
const records = new PickupRecordStore(redis, keys);
const env = { FSP_REDIS_URL: url, FSP_REDIS_KEY_PREFIX: prefix };

afterAll(() => redis.quit());

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), readInput: () => '' };
  const code = await runCli(args, env, io);
  return { code, out, err };
}

const AT = Date.UTC(2025, 0, 15, 9, 30, 0, 123);

/** A same-node pickup of a Sales call, with `changes` over it. */
function record(changes: Partial<PickupRecord> = {}): PickupRecord {
  return pickupRecord({ at: AT, domain: 'history.test', decisionMs: 1.234, pickupMs: 85.5, ...changes });
}

describe('pickupctl history', () => {
  it('says on stderr that a domain has no pickup record, printing nothing, with exit code 0', async () => {
    expect(await cli(['history', 'empty.test'])).toEqual({ code: 0, out: [], err: ['no pickup record in empty.test (records are kept 30 days after the last pickup)'] });
    expect(await cli(['history', 'empty.test', '--json'])).toMatchObject({ code: 0, out: [] });
  });

  it('prints every field of every record, oldest first', async () => {
    const domain = 'fields.test';
    await records.append(record({ domain }));
    await records.append(record({ domain, at: AT + 1000, picker: '101', form: 'extension', dialled: '88200', target: '200', result: 'failed', failure: 'not-permitted', cause: 'OUTGOING_CALL_BARRED', callUuid: '', callerNumber: '', callerName: '', callNode: '', attempts: 0, decisionMs: undefined, pickupMs: undefined }));
    await records.append(record({ domain, at: AT + 2000, picker: '102', form: 'legacy-group', dialled: '88', target: '', callNode: 'node2', attempts: 2, decisionMs: 2.5, pickupMs: 140 }));

    const result = await cli(['history', domain]);
    expect(result.code).toBe(0);
    expect(result.err).toEqual([]);
    expect(result.out).toEqual([
      '2025-01-15T09:30:00.123Z\tpicker=100\ttarget=group Sales\tpicked\tcall=c0ffee00-0000-4000-8000-000000000200\tcaller=+4930123456 "Anna Schmidt"\tnodes=node1 → node1\tattempts=1\tdecision=1.234 ms\tpickup=85.5 ms\tdialled="88Sales"\tpicker leg=0b7c1d2e-0000-4000-8000-000000000100',
      '2025-01-15T09:30:01.123Z\tpicker=101\ttarget=extension 200\tfailed not-permitted (OUTGOING_CALL_BARRED)\tcall=-\tcaller=-\tnodes=node1 → -\tattempts=0\tdecision=-\tpickup=-\tdialled="88200"\tpicker leg=0b7c1d2e-0000-4000-8000-000000000100',
      '2025-01-15T09:30:02.123Z\tpicker=102\ttarget=legacy-group\tpicked\tcall=c0ffee00-0000-4000-8000-000000000200\tcaller=+4930123456 "Anna Schmidt"\tnodes=node1 → node2\tattempts=2\tdecision=2.5 ms\tpickup=140 ms\tdialled="88"\tpicker leg=0b7c1d2e-0000-4000-8000-000000000100',
    ]);

    const json = await cli(['history', domain, '--json']);
    const parsed = json.out.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map(({ id, ...fields }) => fields)).toEqual([
      record({ domain }),
      { ...record({ domain, at: AT + 1000, picker: '101', form: 'extension', dialled: '88200', target: '200', result: 'failed', failure: 'not-permitted', cause: 'OUTGOING_CALL_BARRED', callUuid: '', callerNumber: '', callerName: '', callNode: '', attempts: 0 }), decisionMs: null, pickupMs: null },
      record({ domain, at: AT + 2000, picker: '102', form: 'legacy-group', dialled: '88', target: '', callNode: 'node2', attempts: 2, decisionMs: 2.5, pickupMs: 140 }),
    ]);
    expect(parsed.map((line) => line.id)).toEqual([...parsed.map((line) => line.id)].sort());
  });

  it('prints the newest --count records, oldest first, and refuses a --count that is not 1 to 10000', async () => {
    const domain = 'count.test';
    for (let i = 0; i < 5; i++) await records.append(record({ domain, picker: `20${i}` }));
    const pickers = (lines: string[]): string[] => lines.map((line) => /\tpicker=(\d+)\t/.exec(line)?.[1] ?? line);
    expect(pickers((await cli(['history', domain, '--count', '2'])).out)).toEqual(['203', '204']);
    expect(pickers((await cli(['history', domain])).out)).toEqual(['200', '201', '202', '203', '204']);
    for (const count of ['0', 'ten', '2.5', '1e3', '10001']) {
      const refused = await cli(['history', domain, '--count', count]);
      expect(refused.code, count).toBe(2);
      expect(refused.out).toEqual([]);
      expect(refused.err[0]).toMatch(/^--count must be a whole number from 1 to 10000\n\npickupctl — /);
    }
  });

  it('neutralises control and invisible characters from callers: escaped, never printed raw', async () => {
    const domain = 'controls.test';
    const callerName = 'Eve\u001b]0;owned\u0007\u001b[2J\r\u202eeman\u009b31m';
    await records.append(record({ domain, callerName, callerNumber: '555\u001b[1m', dialled: '88Sales\u0000\n' }));
    const raw = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202e]/u;
    const text = await cli(['history', domain]);
    expect(text.out).toHaveLength(1);
    expect(text.out[0]).not.toMatch(raw);
    expect(text.out[0]?.split('\t')).toHaveLength(12);
    expect(text.out[0]).toContain('\tcaller=555\\u001b[1m "Eve\\u001b]0;owned\\u0007\\u001b[2J\\r\\u202eeman\\u009b31m"\t');
    expect(text.out[0]).toContain('\tdialled="88Sales\\u0000\\n"\t');
    const json = await cli(['history', domain, '--json']);
    expect(json.out[0]).not.toMatch(raw);
    expect(JSON.parse(json.out[0] ?? '')).toMatchObject({ callerName, callerNumber: '555\u001b[1m' });
  });

  it('refuses an invalid domain with the rule it breaks, and a missing one with the usage', async () => {
    const invalid = await cli(['history', 'pbx{evil}.test']);
    expect(invalid).toEqual({ code: 1, out: [], err: ['domain "pbx{evil}.test" is invalid: only Latin letters, digits, ".", "_" and "-" are allowed (found "{")'] });
    const missing = await cli(['history']);
    expect(missing.code).toBe(2);
    expect(missing.err[0]).toMatch(/^history needs one domain\n\npickupctl — /);
  });

  it('is documented in --help', async () => {
    const help = await cli(['--help']);
    expect(help.out.join('\n')).toMatch(/pickupctl history <domain> \[--count <n>\] \[--follow\]/);
  });
});

describe('pickupctl history --follow, as a process', () => {
  let child: ChildProcess | undefined;

  afterEach(() => {
    if (child?.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  /** `pickupctl history <args>` run from the TypeScript source; `lines` fills with its stdout. */
  function start(args: string[]): { lines: string[]; waitForLines: (count: number) => Promise<void>; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/admin/cli.ts', 'history', ...args], { cwd: REPO, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    let pending = '';
    let stderr = '';
    const listeners = new Set<() => void>();
    child.stdout?.on('data', (chunk: Buffer) => {
      const parts = (pending + chunk.toString()).split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts);
      for (const listener of listeners) listener();
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child?.once('exit', (code, signal) => resolve({ code, signal })));
    const waitForLines = (count: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${lines.length} of ${count} lines within 10 s; stderr: ${stderr}`)), 10_000);
        const check = (): void => {
          if (lines.length < count) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        check();
      });
    return { lines, waitForLines, exited };
  }

  it('prints the records appended after it started, then exits 0 on SIGTERM', async () => {
    const domain = 'follow.test';
    await records.append(record({ domain, picker: '300' }));
    const history = start([domain, '--follow']);
    await history.waitForLines(1);
    await records.append(record({ domain, picker: '301', at: AT + 1000 }));
    await records.append(record({ domain, picker: '302', at: AT + 2000 }));
    await history.waitForLines(3);
    child?.kill('SIGTERM');
    expect(await history.exited).toEqual({ code: 0, signal: null });
    expect(history.lines.map((line) => /\tpicker=(\d+)\t/.exec(line)?.[1])).toEqual(['300', '301', '302']);
  });

  it('follows an empty domain in JSON lines, and Ctrl-C (SIGINT) ends it with exit code 0 too', async () => {
    const domain = 'follow-json.test';
    const history = start([domain, '--follow', '--json']);
    // Appended before or after the (empty) history was read: printed once either way, as it follows from the start.
    await records.append(record({ domain, picker: '310' }));
    await history.waitForLines(1);
    child?.kill('SIGINT');
    expect(await history.exited).toEqual({ code: 0, signal: null });
    expect(JSON.parse(history.lines[0] ?? '')).toMatchObject({ domain, picker: '310', result: 'picked' });
  });
});
