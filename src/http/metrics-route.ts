import type { FastifyPluginAsync } from 'fastify';

/** What `/metrics` serves: a prom-client registry. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** `GET /metrics`: the Prometheus text exposition format. */
export const metricsRoute: FastifyPluginAsync<{ metrics: MetricsSource }> = async (app, { metrics }) => {
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', metrics.contentType);
    return metrics.metrics();
  });
};
