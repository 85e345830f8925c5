import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { quote } from '../../domain/quote.ts';
import type { RedisConnection } from '../../store/redis-connection.ts';
import { ApiError, type ApiProblem, InternalApiError, InvalidRequestError, StoreUnavailableApiError, UnreadableBodyError } from './errors.ts';

/** Fastify's own refusals of a body, in the API's terms. */
const BODY_ERRORS: ReadonlyMap<string, { code: UnreadableBodyError['code']; message: string }> = new Map([
  ['FST_ERR_CTP_INVALID_JSON_BODY', { code: 'FSP_ERR_INVALID_JSON', message: 'the body is not valid JSON (or holds a __proto__ or constructor.prototype key)' }],
  ['FST_ERR_CTP_EMPTY_JSON_BODY', { code: 'FSP_ERR_INVALID_JSON', message: 'the body is empty; send a JSON object' }],
  ['FST_ERR_CTP_BODY_TOO_LARGE', { code: 'FSP_ERR_BODY_TOO_LARGE', message: 'the body is larger than this route accepts' }],
  ['FST_ERR_CTP_INVALID_MEDIA_TYPE', { code: 'FSP_ERR_UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json' }],
] as const);

/**
 * Fastify's schemaErrorFormatter for the API: every schema violation (TypeBox reports them all) as a problem naming
 * the request part and JSON path at fault (`body.users[3].groupPickup`), in one InvalidRequestError.
 */
export function formatSchemaErrors(errors: readonly FastifySchemaValidationError[], part: string): Error {
  const problems = problemsOf(errors, part);
  return new InvalidRequestError(problems.length > 0 ? problems : [{ code: 'FSP_ERR_INVALID_REQUEST', message: `${part} is invalid`, entry: part, path: part }]);
}

/**
 * The API's error handler: an ApiError as its body; Fastify's body and schema refusals in the same form; the rest
 * 503 while Redis does not answer, otherwise 500 (logged; the request's headers, the token among them, are not).
 */
export function apiErrorHandler(redis: RedisConnection) {
  return async (error: FastifyError, request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const answer = apiErrorOf(error, redis);
    if (answer instanceof InternalApiError) request.log.error({ err: error, method: request.method, route: request.routeOptions.url }, 'admin API request failed');
    await reply.code(answer.statusCode).send(answer.body());
  };
}

function apiErrorOf(error: FastifyError, redis: RedisConnection): ApiError {
  if (error instanceof ApiError) return error;
  const known = BODY_ERRORS.get(error.code);
  if (known) return new UnreadableBodyError(known.code, error.statusCode ?? 400, known.message);
  // Another refusal of Fastify's own (a bad Content-Length…): its status and message, the API's code.
  if (error.code?.startsWith('FST_') && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new UnreadableBodyError('FSP_ERR_INVALID_REQUEST', error.statusCode, error.message);
  }
  return redis.status === 'ready' ? new InternalApiError() : new StoreUnavailableApiError();
}

function problemsOf(errors: readonly FastifySchemaValidationError[], part: string): ApiProblem[] {
  // A union's branches each report their own mismatch; its own error ("anyOf") says it once for all of them.
  const unions = new Set(errors.filter((error) => error.keyword === 'anyOf').map((error) => error.schemaPath));
  const branchTypes = new Map<string, string[]>();
  for (const error of errors) {
    const union = unionOf(error.schemaPath, unions);
    const ofBranchItself = /\/anyOf\/\d+$/.test(error.schemaPath);
    if (union !== undefined && ofBranchItself && error.keyword === 'type') branchTypes.set(union, [...(branchTypes.get(union) ?? []), String(error.params.type)]);
  }
  return errors.flatMap((error): ApiProblem[] => {
    const path = pathOf(part, error.instancePath);
    switch (error.keyword) {
      // additionalProperties: false also fails the property itself ("schema is false"): reported once, below.
      case 'boolean':
        return [];
      case 'additionalProperties':
        return (error.params.additionalProperties as string[]).map((name) => {
          const entry = `${path}${segment(name)}`;
          return { code: 'FSP_ERR_INVALID_REQUEST', message: `${entry} is not a field of this request`, entry, path: entry };
        });
      case 'required':
        return (error.params.requiredProperties as string[]).map((name) => {
          const entry = `${path}${segment(name)}`;
          return { code: 'FSP_ERR_INVALID_REQUEST', message: `${entry} is required`, entry, path: entry };
        });
      case 'anyOf': {
        const types = branchTypes.get(error.schemaPath);
        return [{ code: 'FSP_ERR_INVALID_REQUEST', message: `${path} ${types ? `must be ${types.join(' or ')}` : 'has none of the allowed forms'}`, entry: path, path }];
      }
      default:
        if (unionOf(error.schemaPath, unions) !== undefined) return [];
        return [{ code: 'FSP_ERR_INVALID_REQUEST', message: `${path} ${error.message}`, entry: path, path }];
    }
  });
}

/** The union (its schema path) a branch error belongs to, if any. */
function unionOf(schemaPath: string, unions: ReadonlySet<string>): string | undefined {
  const at = schemaPath.lastIndexOf('/anyOf/');
  return at >= 0 && unions.has(schemaPath.slice(0, at)) ? schemaPath.slice(0, at) : undefined;
}

/** `/users/3/callGroups` in the body → `body.users[3].callGroups`. */
function pathOf(part: string, instancePath: string): string {
  const segments = instancePath === '' ? [] : instancePath.slice(1).split('/').map((raw) => raw.replace(/~1/g, '/').replace(/~0/g, '~'));
  return `${part}${segments.map((name) => (/^\d+$/.test(name) ? `[${name}]` : segment(name))).join('')}`;
}

/** A property as a path segment: `.name`, or `["odd name"]` (quoted, cut when long) when it is not an identifier. */
function segment(name: string): string {
  return /^[A-Za-z_$][\w$-]{0,63}$/.test(name) ? `.${name}` : `[${quote(name)}]`;
}
