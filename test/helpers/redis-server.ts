import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server of our own on a free loopback port: tests never touch anybody else's Redis. */
export interface RedisServerHandle {
  readonly port: number;
  readonly url: string;
  /** Kills the server (an outage); `start()` brings it back on the same port with the same data directory. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Kills it and removes its data directory. */
  stop(): Promise<void>;
}

/** Asks the kernel for a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/** Starts `redis-server` and resolves once it accepts connections. */
export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServerHandle> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'fsp-redis-'));
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    const spawned = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = spawned;
    await new Promise<void>((resolve, reject) => {
      let output = '';
      spawned.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      spawned.once('error', (err) => reject(new Error(`cannot start redis-server (is it installed? see scripts/install.sh): ${err.message}`)));
      spawned.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
    });
  };
  const kill = async (): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    start,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
