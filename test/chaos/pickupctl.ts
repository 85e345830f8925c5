/** pickupctl as an operator runs it (the TypeScript source: `npm run pickupctl`), against the test's Redis. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `pickupctl <args>` with `input` on its standard input; resolves with its output, rejects on a non-zero exit. */
export function pickupctl(args: readonly string[], env: { redisUrl: string; prefix: string }, input = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/admin/cli.ts', ...args], {
      cwd: REPO,
      env: { PATH: process.env.PATH ?? '', FSP_REDIS_URL: env.redisUrl, FSP_REDIS_KEY_PREFIX: env.prefix },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`pickupctl ${args.join(' ')} exited ${code}: ${err.trim()}`))));
    child.stdin.end(input);
  });
}
