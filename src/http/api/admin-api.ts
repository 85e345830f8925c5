import swagger from '@fastify/swagger';
import { type FastifyPluginAsyncTypebox, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { MAX_LIST_FIELD_LENGTH } from '../../domain/lists.ts';
import type { AdminContext } from '../admin-context.ts';
import { requireApiToken } from '../api-token.ts';
import { callRoutes } from './call-routes.ts';
import { apiErrorHandler, formatSchemaErrors } from './error-handler.ts';
import { RouteNotFoundError } from './errors.ts';
import { groupRoutes } from './group-routes.ts';
import { nodeRoutes } from './node-routes.ts';
import { DEFAULT_RECORD_FOLLOW_SETTINGS, RecordFollowers, type RecordFollowSettings } from './record-followers.ts';
import { recordRoutes } from './record-routes.ts';
import { answers } from './responses.ts';
import { OpenApiDocument } from './schemas.ts';
import { userRoutes } from './user-routes.ts';

/** Where the API is served: every route's path starts with it. */
export const API_PREFIX = '/api/v1';

/**
 * The longest path parameter the router takes (Fastify's default is 100): the schemas allow twice the longest valid
 * value, so that the domain's rules name what is wrong with a long one. A longer one is refused with 414.
 */
export const MAX_PATH_PARAMETER_LENGTH = 2 * MAX_LIST_FIELD_LENGTH;

export interface AdminApiOptions {
  readonly admin: AdminContext;
  /** The live follows of the pickup records (defaults: 16 at once, a heartbeat every 15 s). */
  readonly follow?: RecordFollowSettings;
}

/**
 * The admin API (register it with `prefix: API_PREFIX`): users' preferences, call groups' settings, ringing calls,
 * nodes and pickup records, as JSON, described by the OpenAPI document at `/api/v1/openapi.json` (generated from
 * the routes' schemas). Every route, the document and unknown paths included, needs the bearer token. Requests are
 * checked against the schemas (TypeBox: strict types, no unknown field) and then by the domain's rules; every
 * refusal is `{code, message, entry, problems}`.
 */
export const adminApi: FastifyPluginAsyncTypebox<AdminApiOptions> = async (api, { admin, follow = DEFAULT_RECORD_FOLLOW_SETTINGS }) => {
  const log = admin.logger.child({ module: 'admin-api' });
  await api.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'fs-pickup admin API', version: 'v1', description: 'Call and pickup groups of fs-pickup: users, group settings, ringing calls, nodes, pickup records.' },
      components: { securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'FSP_API_TOKEN (or FSP_API_TOKEN_FILE) of the controller' } } },
      security: [{ bearerToken: [] }],
    },
  });
  api.setValidatorCompiler(TypeBoxValidatorCompiler);
  api.setSchemaErrorFormatter(formatSchemaErrors);
  api.setErrorHandler(apiErrorHandler(admin.redis));
  api.addHook('onRequest', requireApiToken(admin.token));
  api.setNotFoundHandler(async (request) => {
    throw new RouteNotFoundError(request.method, request.url);
  });

  const followers = new RecordFollowers(admin.redis, admin.keys, follow, log);
  // Open event streams would hold the server's close for ever: they end first.
  api.addHook('preClose', async () => followers.closeAll());

  await api.register(userRoutes, { store: admin.preferences });
  await api.register(groupRoutes, { settings: admin.groupSettings });
  await api.register(callRoutes, { calls: admin.calls, registry: admin.registry });
  await api.register(nodeRoutes, { registry: admin.registry, calls: admin.calls });
  await api.register(recordRoutes, { records: admin.records, followers });
  api.get('/openapi.json', { schema: { tags: ['api'], operationId: 'openApiDocument', summary: 'This document (OpenAPI 3.1)', response: answers({ 200: OpenApiDocument }) } }, async () => api.swagger());
};
