/**
 * The production build: `npm run build` in a copy of the project (so that a concurrent test run never sees a
 * half-written dist/), then the compiled code run by plain node — no TypeScript loader.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
// What the build reads; node_modules is shared, not copied.
const PROJECT_FILES = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'src', 'bin'];

let work: string;

/** Runs a command in the copy with a bare environment (no NODE_OPTIONS, so no loader can sneak in). */
function run(command: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'fsp-build-'));
  for (const entry of PROJECT_FILES) cpSync(join(REPO, entry), join(work, entry), { recursive: true });
  symlinkSync(join(REPO, 'node_modules'), join(work, 'node_modules'), 'dir');
  const build = run('npm', ['run', 'build']);
  expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run build', () => {
  it('compiles src/ to dist/ with every relative import pointing at a .js file', () => {
    const files = readdirSync(join(work, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
    expect(files).toEqual(expect.arrayContaining(['main.js', 'admin/cli.js', 'store/scripts.js']));
    const tsImports = files.flatMap((file) => [...readFileSync(join(work, 'dist', file), 'utf8').matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]*)['"]/g)].map((m) => m[1]).filter((specifier) => !specifier?.endsWith('.js') && !specifier?.endsWith('.json')).map((specifier) => `${file}: ${specifier}`));
    expect(tsImports).toEqual([]);
  });

  it('puts the Lua scripts next to the compiled store, named with the package version', () => {
    const version = (JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')) as { version: string }).version;
    const script = "const m = await import('./dist/store/scripts.js'); for (const name of m.SCRIPT_NAMES) m.loadScriptSource(name); process.stdout.write(m.commandName('claimCall'));";
    const result = run(process.execPath, ['--input-type=module', '-e', script]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`fsp_claimCall_${version.replace(/\W/g, '_')}`);
  });

  it('runs the compiled pickupctl: --help, and a real command against Redis', () => {
    const help = run(process.execPath, ['bin/pickupctl.js', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^pickupctl — call and pickup groups/);
    expect(help.stdout).toMatch(/exit codes: 0 done/);
    const show = run(process.execPath, ['bin/pickupctl.js', 'show', '999@build.test'], { FSP_REDIS_URL: inject('redisUrl'), FSP_REDIS_KEY_PREFIX: 'build' });
    expect(show.stdout).toMatch(/^999@build\.test\tnot configured/);
    expect(show.status).toBe(4);
  });

  it('runs the compiled controller: an invalid configuration stops it with the problem and exit code 2', () => {
    for (const entry of [['dist/main.js'], ['bin/fs-pickup.js']]) {
      const result = run(process.execPath, entry, { FSP_ESL_PORT: 'abc' });
      expect(result.stderr).toBe('fs-pickup: invalid configuration:\n  - FSP_ESL_PORT="abc": must be a TCP port (1-65535)\n');
      expect(result.status).toBe(2);
    }
  });

  it('runs the compiled controller with the pickup board served from dist/ (its page, script and style sheet)', async () => {
    const token = 'build-board-Token-3f9a1c';
    const controller = spawn(process.execPath, ['dist/main.js'], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', FSP_REDIS_URL: inject('redisUrl'), FSP_REDIS_KEY_PREFIX: 'build', FSP_API_TOKEN: token, FSP_HTTP_LISTEN: '127.0.0.1:0', FSP_SOCKET_LISTEN: '127.0.0.1:0', FSP_ESL_PORT: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => controller.once('exit', resolve));
    try {
      // The HTTP listener comes up without FreeSWITCH (port 1 refuses): the log line names its address.
      const http = await new Promise<string>((resolve, reject) => {
        let output = '';
        controller.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const address = /"http":"([^"]+)".*"msg":"health and metrics endpoints listening"/.exec(output)?.[1];
          if (address) resolve(`http://${address}`);
        });
        void exited.then((code) => reject(new Error(`the controller exited (${code}) before listening:\n${output}`)));
      });
      for (const [path, file] of [['/board', 'board.html'], ['/board/board.js', 'board.js'], ['/board/board.css', 'board.css']] as const) {
        const response = await fetch(`${http}${path}`, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status, path).toBe(200);
        expect(await response.text(), path).toBe(readFileSync(join(REPO, 'src/http/board/static', file), 'utf8'));
      }
    } finally {
      controller.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});

describe('the TypeScript entry points', () => {
  it('npm run pickupctl still runs the source through tsx', () => {
    const result = spawnSync('npm', ['run', '--silent', 'pickupctl', '--', '--help'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^pickupctl — call and pickup groups/);
  });
});
