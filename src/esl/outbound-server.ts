import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { reasonOf } from '../logger.ts';
import { SocketSession } from './socket-session.ts';

/** Where the controller listens for FreeSWITCH's `socket` application, and whom it lets in. */
export interface OutboundServerOptions {
  readonly host: string;
  readonly port: number;
  /** Remote addresses allowed to connect (the FreeSWITCH nodes): anything else is closed unanswered. */
  readonly isAllowed: (address: string) => boolean;
  /** How long FreeSWITCH may take to send the channel's data after connecting. */
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
}

/**
 * The listener for FreeSWITCH's outbound sockets: each accepted connection is one channel (a picker) whose
 * thread waits on it; `onSession` gets the opened session. The outbound socket has no password, so only the
 * configured FreeSWITCH addresses may connect.
 */
export class OutboundServer {
  private readonly server: Server;
  private readonly log: Logger;
  private readonly open = new Set<Socket>();
  private bound: { host: string; port: number } | undefined;

  constructor(
    private readonly options: OutboundServerOptions,
    onSession: (session: SocketSession, acceptedAt: number) => unknown,
  ) {
    this.log = options.logger.child({ module: 'socket' });
    this.server = createServer((socket) => {
      const acceptedAt = performance.now();
      const from = socket.remoteAddress ?? '';
      if (!options.isAllowed(from)) {
        this.log.warn({ from }, 'refused a socket connection from an address that is not a configured FreeSWITCH node');
        socket.destroy();
        return;
      }
      this.open.add(socket);
      socket.once('close', () => this.open.delete(socket));
      SocketSession.open(socket, options.connectTimeoutMs).then(
        (session) => onSession(session, acceptedAt),
        (error: unknown) => this.log.warn({ reason: reasonOf(error), from }, 'a FreeSWITCH socket connection ended before its channel data'),
      );
    });
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free one). */
  listen(): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        const address = this.server.address();
        const bound = typeof address === 'object' && address ? { host: address.address, port: address.port } : { host: this.options.host, port: this.options.port };
        this.bound = bound;
        this.log.info(bound, 'listening for FreeSWITCH pickup sockets');
        resolve(bound);
      });
    });
  }

  /** Where it listens, once listening. */
  get boundAddress(): { host: string; port: number } | undefined {
    return this.bound;
  }

  /** Stops taking new connections (FreeSWITCH then tries the next controller of the list); open ones go on. */
  stopAccepting(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Ends every open connection at once (after a bounded wait for them to finish). */
  closeAll(): void {
    for (const socket of this.open) socket.destroy();
  }

  /** Connections still open. */
  get openSessions(): number {
    return this.open.size;
  }
}
