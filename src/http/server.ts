import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { HttpListenConfig } from '../config/config.ts';
import type { AdminContext } from './admin-context.ts';
import { adminApi, API_PREFIX, MAX_PATH_PARAMETER_LENGTH } from './api/admin-api.ts';
import { boardRoutes } from './board/board-routes.ts';
import { healthRoutes, type StatusSource } from './health-routes.ts';
import { metricsRoute, type MetricsSource } from './metrics-route.ts';

/** What the HTTP listener serves from. */
export interface HttpSources {
  readonly status: StatusSource;
  readonly metrics: MetricsSource;
  /** The admin API (/api/v1) and the board (/board): every route needs the token. */
  readonly admin: AdminContext;
}

/** A bound HTTP listener. */
export interface RunningHttpServer {
  readonly address: { readonly host: string; readonly port: number };
  close(): Promise<void>;
}

/**
 * Builds the controller's HTTP application: health (`/healthz`, `/readyz`) and Prometheus metrics (`/metrics`).
 * Requests are not logged one by one (a scrape every few seconds would drown the call lines); errors are.
 */
export function buildHttpApp(sources: HttpSources, logger: Logger): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger.child({ module: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    // The API's path parameters (a user "extension@domain", a group) are longer than Fastify's default of 100.
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    // Closing comes last in the controller's stop, once the event streams are ended (preClose): a connection still
    // open then, even one a client opened ahead and never used, would hold the stop until it times out.
    forceCloseConnections: true,
  });
  app.register(healthRoutes, { status: sources.status });
  app.register(metricsRoute, { metrics: sources.metrics });
  app.register(boardRoutes, { admin: sources.admin });
  app.register(adminApi, { prefix: API_PREFIX, admin: sources.admin });
  return app;
}

/** Starts the HTTP listener; rejects when the address cannot be bound (in use, not local). */
export async function startHttpServer(listen: HttpListenConfig, sources: HttpSources, logger: Logger): Promise<RunningHttpServer> {
  const app = buildHttpApp(sources, logger);
  await app.listen({ host: listen.host, port: listen.port });
  const bound = app.server.address();
  const port = typeof bound === 'object' && bound ? bound.port : listen.port;
  return {
    address: { host: listen.host, port },
    close: () => app.close(),
  };
}
