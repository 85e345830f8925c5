import { FsPickupError } from '../../domain/errors.ts';
import type { ApiErrorBody } from '../api-token.ts';

/** One problem of a refused request: a stable code, a message for people, the entry at fault and where it is. */
export interface ApiProblem {
  readonly code: string;
  readonly message: string;
  /** The offending value as given (a group name, an id, a user), or the path of a value of the wrong form. */
  readonly entry: string;
  /** Where it is in the request: `params.user`, `querystring.limit`, `body.users[3].callGroups`. */
  readonly path: string;
}

/** The body of every API error: the first problem's code, message and entry, and every problem when there are several. */
export interface ApiErrorResponse extends ApiErrorBody {
  readonly problems?: readonly ApiProblem[];
}

/**
 * A request the admin API answers with an error. Codes (stable, as in src/domain/errors.ts, whose codes the domain's
 * rules give — FSP_ERR_INVALID_GROUP_NAME, FSP_ERR_INVALID_USER, …):
 * - FSP_ERR_INVALID_REQUEST: the request does not have the API's form (types, unknown fields, sizes, bad paging ids)
 * - FSP_ERR_INVALID_JSON: the body is not JSON, or holds a `__proto__` or `constructor.prototype` key
 * - FSP_ERR_BODY_TOO_LARGE, FSP_ERR_UNSUPPORTED_MEDIA_TYPE: the body is over the route's limit, or not JSON
 * - FSP_ERR_USER_NOT_CONFIGURED, FSP_ERR_UNKNOWN_NODE, FSP_ERR_NOT_FOUND: no such user settings, node or route
 * - FSP_ERR_TOO_MANY_FOLLOWERS: every live follow of the pickup records is taken
 * - FSP_ERR_STORE_UNAVAILABLE: Redis did not answer; FSP_ERR_INTERNAL: anything else (logged)
 */
export abstract class ApiError extends FsPickupError {
  abstract readonly statusCode: number;

  constructor(
    message: string,
    readonly entry?: string,
    readonly problems?: readonly ApiProblem[],
  ) {
    super(message);
  }

  body(): ApiErrorResponse {
    return { code: this.code, message: this.message, ...(this.entry === undefined ? {} : { entry: this.entry }), ...(this.problems ? { problems: this.problems } : {}) };
  }
}

/** The most problems an error lists: a megabyte of bad entries must not come back as many more of messages. */
export const MAX_PROBLEMS_LISTED = 1000;

/**
 * Problems that the rules of a request refuse it for, reported together (the first 1000): the first one's message
 * and entry on top, with how many there are when there are several.
 */
abstract class ProblemsError extends ApiError {
  readonly statusCode = 400;

  /** `problems`: at least one. */
  constructor(problems: readonly ApiProblem[]) {
    const [first = { code: 'FSP_ERR_INVALID_REQUEST', message: 'the request is invalid', entry: '', path: '' }] = problems;
    const more = problems.length === 1 ? '' : ` (1 of ${problems.length} problems${problems.length > MAX_PROBLEMS_LISTED ? `, the first ${MAX_PROBLEMS_LISTED} listed` : ''})`;
    super(`${first.message}${more}`, first.entry, problems.slice(0, MAX_PROBLEMS_LISTED));
  }
}

/** The request does not have the form the API's schema gives (a type, an unknown field, a size). */
export class InvalidRequestError extends ProblemsError {
  readonly code = 'FSP_ERR_INVALID_REQUEST';
}

/** Input the domain's rules refuse (the rules and messages pickupctl applies): the first problem's code on top. */
export class InvalidInputError extends ProblemsError {
  readonly code: string;

  constructor(problems: readonly ApiProblem[]) {
    super(problems);
    this.code = problems[0]?.code ?? 'FSP_ERR_INVALID_REQUEST';
  }
}

/** Fastify refused the body before any route saw it; `code` and status say why. */
export class UnreadableBodyError extends ApiError {
  constructor(
    readonly code: 'FSP_ERR_INVALID_JSON' | 'FSP_ERR_BODY_TOO_LARGE' | 'FSP_ERR_UNSUPPORTED_MEDIA_TYPE' | 'FSP_ERR_INVALID_REQUEST',
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The user has no settings stored: never configured, or deleted (they have the defaults). */
export class UserNotConfiguredError extends ApiError {
  readonly code = 'FSP_ERR_USER_NOT_CONFIGURED';
  readonly statusCode = 404;

  constructor(user: string) {
    super(`${user} is not configured: it has the defaults (legacy behaviour, no groups, no rights)`, user);
  }
}

/** No controller ever served a node of that name. */
export class UnknownNodeError extends ApiError {
  readonly code = 'FSP_ERR_UNKNOWN_NODE';
  readonly statusCode = 404;

  constructor(node: string) {
    super(`no controller ever served a node named ${JSON.stringify(node)}`, node);
  }
}

/** No route of the API has that method and path. */
export class RouteNotFoundError extends ApiError {
  readonly code = 'FSP_ERR_NOT_FOUND';
  readonly statusCode = 404;

  constructor(method: string, url: string) {
    super(`no route ${method} ${url.split('?')[0]}: see /api/v1/openapi.json`, url.split('?')[0]);
  }
}

/** Every live follow of the pickup records is taken: a client should try again later. */
export class TooManyFollowersError extends ApiError {
  readonly code = 'FSP_ERR_TOO_MANY_FOLLOWERS';
  readonly statusCode = 503;

  constructor(max: number) {
    super(`${max} clients already follow the pickup records on this controller; try again later`);
  }
}

/** Redis did not answer: the request changed nothing it could not finish, and may be sent again. */
export class StoreUnavailableApiError extends ApiError {
  readonly code = 'FSP_ERR_STORE_UNAVAILABLE';
  readonly statusCode = 503;

  constructor() {
    super('Redis does not answer; try again when it does (/readyz)');
  }
}

/** Anything else: a bug; logged with its stack, never shown. */
export class InternalApiError extends ApiError {
  readonly code = 'FSP_ERR_INTERNAL';
  readonly statusCode = 500;

  constructor() {
    super('the request failed on the controller (see its log)');
  }
}
