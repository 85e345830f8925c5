/**
 * A controller stand-in for the `socket` application's tests, like run 5's sockctl: a TCP listener on
 * 127.0.0.1 whose every accepted connection (an outbound session the simulator opened) is an
 * EslTestClient the test drives, one write per command.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { SimulatorTimeoutError } from './errors.ts';
import { EslTestClient } from './test-client.ts';

/** A listening stand-in controller. */
export class StandInController {
  /** Every session the simulator opened, in order. */
  readonly opened: EslTestClient[] = [];
  private readonly sessions: EslTestClient[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly waiters: Array<(session: EslTestClient) => void> = [];

  private constructor(
    private readonly server: Server,
    /** The port it listens on (127.0.0.1). */
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const session = EslTestClient.accepted(socket);
      this.opened.push(session);
      const waiter = this.waiters.shift();
      if (waiter) waiter(session);
      else this.sessions.push(session);
    });
  }

  /** Starts listening on a free port. */
  static async listen(): Promise<StandInController> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return new StandInController(server, typeof address === 'object' && address ? address.port : 0);
  }

  /** `127.0.0.1:<port>`, as the socket application's argument names it. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The next session the simulator opens (already open or future). */
  nextSession(timeoutMs = 5_000): Promise<EslTestClient> {
    const ready = this.sessions.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new SimulatorTimeoutError('a socket session', timeoutMs)), timeoutMs);
      this.waiters.push((session) => {
        clearTimeout(timer);
        resolve(session);
      });
    });
  }

  /** Stops listening and drops every open session. */
  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A 127.0.0.1 port nobody listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}
