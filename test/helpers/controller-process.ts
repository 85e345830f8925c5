import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One JSON log line of the controller (pino). */
export type LogLine = Record<string, unknown> & { msg?: string };

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The controller as users run it: `src/main.ts` in its own Node process, configured by FSP_* variables,
 * logging JSON lines that the test reads.
 */
export class ControllerProcess {
  readonly logs: LogLine[] = [];
  readonly stderr: string[] = [];
  private readonly waiters = new Set<{ predicate: (line: LogLine) => boolean; resolve: (line: LogLine) => void }>();
  private readonly exited: Promise<number | null>;

  private constructor(private readonly child: ChildProcess) {
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) this.take(text);
    });
    child.stderr?.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /**
   * Starts `npm start`'s entry point with the given environment and waits until it serves the switch: ready (Redis,
   * its change notices and every event socket connected) and its first resync done.
   */
  static async start(env: Record<string, string>, waitForMessage = 'resynced ringing calls with the switch'): Promise<ControllerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: REPO,
      // A free port for the health and metrics endpoints: tests run side by side.
      env: { PATH: process.env.PATH ?? '', FSP_LOG_LEVEL: 'debug', FSP_HTTP_LISTEN: '127.0.0.1:0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const controller = new ControllerProcess(child);
    await controller.waitForLog((line) => line.msg === 'ready', 15_000);
    await controller.waitForLog((line) => line.msg === waitForMessage, 15_000);
    return controller;
  }

  /** Resolves with the first log line (past or future) that matches. */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs = 5_000): Promise<LogLine> {
    const seen = this.logs.find(predicate);
    if (seen) return Promise.resolve(seen);
    return this.nextLog(predicate, timeoutMs);
  }

  /** Resolves with the next log line from now on that matches (each line is tested once: cheap on long runs). */
  nextLog(predicate: (line: LogLine) => boolean, timeoutMs = 5_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const waiter = {
        predicate,
        resolve: (line: LogLine) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching controller log line within ${timeoutMs} ms; last lines:\n${this.tail()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** `host:port` of the pickup socket the controller listens on (FreeSWITCH's fs_pickup_controllers). */
  async socketAddress(): Promise<string> {
    const line = await this.waitForLog((l) => l.msg === 'listening for FreeSWITCH pickup sockets');
    return `${String(line.host)}:${String(line.port)}`;
  }

  /** Base URL of the health and metrics endpoints (`http://host:port`). */
  async httpUrl(): Promise<string> {
    const line = await this.waitForLog((l) => l.msg === 'health and metrics endpoints listening');
    return `http://${String(line.http)}`;
  }

  /** The log lines with this message. */
  logsWith(msg: string): LogLine[] {
    return this.logs.filter((line) => line.msg === msg);
  }

  /** Stops the process as an admin would (SIGTERM), or kills it (SIGKILL) as a crash would. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  tail(count = 15): string {
    return [...this.logs.slice(-count).map((line) => JSON.stringify(line)), ...this.stderr.slice(-3)].join('\n');
  }

  private take(text: string): void {
    if (text.trim() === '') return;
    let line: LogLine;
    try {
      line = JSON.parse(text) as LogLine;
    } catch {
      line = { msg: text, unparsed: true };
    }
    this.logs.push(line);
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(line)) {
        this.waiters.delete(waiter);
        waiter.resolve(line);
      }
    }
  }
}
