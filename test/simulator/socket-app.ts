/**
 * The `socket` application (mod_event_socket's socket_function), synchronous mode only:
 * `socket <host>[:<port>][/<path>][|<host>[:<port>]…]`. Hosts are tried in order (at most 50) with a
 * real TCP connection from the simulator; a refused one is skipped at once (16e2). The port comes after
 * the last `:` (default 8084, and a host without one reuses the previous host's port); `socket_host`
 * (and `socket_path`) are set for each host tried, whether it answers or not. When none answers the
 * application returns at once: nothing but its EXECUTE / EXECUTE_COMPLETE, and the dialplan goes on
 * (16e). `async` and `full` (another mode, with a park) are not simulated and refused.
 */
import { connect, type Socket } from 'node:net';
import type { Application } from './applications.ts';
import { SimulatorConfigError } from './errors.ts';
import { SocketSession } from './socket-session.ts';

const DEFAULT_PORT = 8084;
const MAX_HOSTS = 50;

/** The socket application. */
export const socketApplication: Application = {
  needsMedia: false,
  async run({ core, channel, running }) {
    const [hosts = '', ...flags] = running.arg.split(' ').filter((word) => word !== '');
    if (flags.some((flag) => /^(async|full)$/i.test(flag))) {
      throw new SimulatorConfigError(`socket ${running.arg}: only the synchronous socket (no async, no full) is simulated`);
    }
    let port = DEFAULT_PORT;
    for (const target of hosts.split('|').filter((host) => host !== '').slice(0, MAX_HOSTS)) {
      const address = parseTarget(target, port);
      port = address.port;
      if (address.path !== undefined) channel.variables.set('socket_path', address.path);
      channel.variables.set('socket_host', address.host);
      const socket = await tcpConnect(address.host, port);
      if (!socket) continue;
      await new SocketSession(core, channel, socket, running).run();
      return;
    }
  },
};

/** `host[:port][/path]` as socket_function cuts it: the port after the last `:`, the path after the first `/` behind it. */
function parseTarget(target: string, previousPort: number): { host: string; port: number; path?: string } {
  const colon = target.lastIndexOf(':');
  let host = colon < 0 ? target : target.slice(0, colon);
  const portText = colon < 0 ? undefined : target.slice(colon + 1);
  const pathCarrier = portText ?? host;
  const slash = pathCarrier.indexOf('/');
  if (slash >= 0 && portText === undefined) host = host.slice(0, slash);
  return {
    host,
    port: portText === undefined ? previousPort : Number.parseInt(portText, 10) || 0,
    ...(slash < 0 ? {} : { path: pathCarrier.slice(slash + 1) }),
  };
}

/** A connected socket (TCP_NODELAY, keepalive, as FreeSWITCH sets them), or undefined when the connect failed. */
function tcpConnect(host: string, port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, noDelay: true, keepAlive: true });
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(undefined);
    });
  });
}
