import { apiErrorJson } from './schemas.ts';

/** The errors a route may answer besides those every route may: 401 and 403 (the token), 500 and 503. */
type RouteErrorStatus = 400 | 404 | 413 | 415;
type ErrorStatus = RouteErrorStatus | 401 | 403 | 500 | 503;

const ERROR_DESCRIPTIONS: Readonly<Record<ErrorStatus, string>> = {
  400: 'Refused: every problem listed, nothing written',
  401: 'No bearer token (Authorization: Bearer <token>)',
  403: 'A wrong token, or the API is off (FSP_API_TOKEN not set on the controller)',
  404: 'No such thing',
  413: 'The body is over the route’s limit',
  415: 'The body is not application/json',
  500: 'Failed on the controller (logged there)',
  503: 'Redis does not answer (or, following records, every follow is taken): try again later',
};

/** A route's responses for the OpenAPI document and the serialiser: its successes, and its errors in the API's form. */
export function answers<S extends object>(successes: S, ...errors: RouteErrorStatus[]): S & Partial<Record<ErrorStatus, ReturnType<typeof apiErrorJson>>> {
  const responses: Partial<Record<ErrorStatus, ReturnType<typeof apiErrorJson>>> = {};
  for (const status of [...errors, 401, 403, 500, 503] as const) responses[status] = apiErrorJson(ERROR_DESCRIPTIONS[status]);
  return { ...successes, ...responses };
}
