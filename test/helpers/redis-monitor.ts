import { connect, type Socket } from 'node:net';

/** One command Redis ran, as MONITOR reports it. */
export interface MonitoredCommand {
  /** When Redis ran it (epoch ms). */
  readonly at: number;
  /** Who sent it: `ip:port` of a client, or `lua` for a command a script ran. */
  readonly source: string;
  /** The command and its arguments as MONITOR prints them (quoted). */
  readonly text: string;
  /** The command's name, lower case. */
  readonly name: string;
}

/**
 * MONITOR on a plain socket of its own. ioredis' `monitor()` can fail with "Command queue state error" when a
 * monitored line arrives while it still waits for its own reply; MONITOR's output is simple status lines.
 */
export class RedisMonitor {
  readonly commands: MonitoredCommand[] = [];
  private pending = '';

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => this.take(text));
  }

  /** Connects and starts monitoring; resolves once Redis confirmed (`+OK`). */
  static start(port: number, host = '127.0.0.1'): Promise<RedisMonitor> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host });
      const monitor = new RedisMonitor(socket);
      socket.once('error', reject);
      socket.once('connect', () => socket.write('MONITOR\r\n'));
      const confirmed = (): void => {
        if (!monitor.confirmed) return;
        socket.off('data', confirmed);
        socket.off('error', reject);
        resolve(monitor);
      };
      socket.on('data', confirmed);
    });
  }

  private confirmed = false;

  close(): void {
    this.socket.destroy();
  }

  private take(text: string): void {
    this.pending += text;
    const lines = this.pending.split('\r\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '+OK') {
        this.confirmed = true;
        continue;
      }
      const match = /^\+(\d+\.\d+) \[\d+ ([^\]]+)\] (.*)$/.exec(line);
      if (!match) continue;
      const text = match[3]!;
      this.commands.push({ at: Number(match[1]) * 1000, source: match[2]!, text, name: (/^"([^"]*)"/.exec(text)?.[1] ?? '').toLowerCase() });
    }
  }
}
