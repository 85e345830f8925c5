import type { FastifyPluginAsync } from 'fastify';

/** The state of one node's event socket, as the health endpoints report it. */
export interface NodeStatus {
  readonly name: string;
  readonly eslConnected: boolean;
  /** The FreeSWITCH process connected to (changes when it restarts). */
  readonly coreUuid: string | null;
}

/** The controller's state, read on every health request. */
export interface ControllerStatus {
  /** Taking pickups: Redis answers, every served node's event socket is connected, and it is not stopping. */
  readonly ready: boolean;
  readonly stopping: boolean;
  readonly redis: { readonly up: boolean; readonly address: string };
  readonly nodes: readonly NodeStatus[];
}

export type StatusSource = () => ControllerStatus;

/**
 * `GET /healthz`: the process runs and answers (always 200). `GET /readyz`: 200 while the controller can take
 * pickups, otherwise 503; both carry the whole state, so a failing probe says what is missing.
 */
export const healthRoutes: FastifyPluginAsync<{ status: StatusSource }> = async (app, { status }) => {
  app.get('/healthz', async () => ({ status: 'alive', ...status() }));
  app.get('/readyz', async (_request, reply) => {
    const current = status();
    reply.code(current.ready ? 200 : 503);
    return { status: current.ready ? 'ready' : current.stopping ? 'stopping' : 'not-ready', ...current };
  });
};
