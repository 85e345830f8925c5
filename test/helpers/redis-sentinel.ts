import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './redis-server.ts';

/** A Redis Sentinel of our own, monitoring a master under the name `mymaster`. */
export interface SentinelHandle {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts `redis-server --sentinel` watching the master on `masterPort`; resolves when it runs. */
export async function startSentinel(masterPort: number): Promise<SentinelHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fsp-sentinel-'));
  const config = join(dir, 'sentinel.conf');
  writeFileSync(config, [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, `sentinel monitor mymaster 127.0.0.1 ${masterPort} 1`, 'sentinel down-after-milliseconds mymaster 5000', ''].join('\n'));
  const child: ChildProcess = spawn('redis-server', [config, '--sentinel'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('+monitor master mymaster')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis sentinel exited with ${code}: ${output}`)));
  });
  return {
    host: '127.0.0.1',
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
