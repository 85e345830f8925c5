import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiToken, apiError } from '../api-token.ts';

/**
 * The board's credential is the API token. A browser gives it once (in the link, `/board?token=…`, or the sign-in
 * form) and then carries it in this cookie: HttpOnly (no script reads it), SameSite=Strict (no other site's page
 * sends it), sent only to /board. EventSource cannot set headers but sends the cookie.
 */
const COOKIE = 'fsp_board';
const COOKIE_ATTRIBUTES = 'Path=/board; HttpOnly; SameSite=Strict';

export type BoardAccess = 'granted' | 'disabled' | 'missing' | 'wrong';

/** What a request carries: an API bearer token (scripts), else the board's cookie; undefined for none. */
export function credentialOf(request: FastifyRequest): string | undefined {
  return ApiToken.of(request) ?? cookie(request.headers.cookie);
}

/** The verdict on a candidate token; 'disabled' when the controller has none (FSP_API_TOKEN unset). */
export function accessOf(token: ApiToken | undefined, candidate: string | undefined): BoardAccess {
  if (!token) return 'disabled';
  if (candidate === undefined || candidate === '') return 'missing';
  return token.matches(candidate) ? 'granted' : 'wrong';
}

/** `Set-Cookie` for a browser that gave the right token: kept for the browser session. */
export function sessionCookie(token: string): string {
  return `${COOKIE}=${encodeURIComponent(token)}; ${COOKIE_ATTRIBUTES}`;
}

/** `Set-Cookie` that makes a browser forget a token that is not (or no longer) the right one. */
export const FORGET_COOKIE = `${COOKIE}=; ${COOKIE_ATTRIBUTES}; Max-Age=0`;

/** onRequest hook of the board's data routes: the API's answers (403 off, 401 without a token, 403 a wrong one). */
export function requireBoardAccess(token: ApiToken | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    switch (accessOf(token, credentialOf(request))) {
      case 'disabled':
        await reply.code(403).send(apiError('FSP_ERR_API_DISABLED', 'the board is off: set FSP_API_TOKEN or FSP_API_TOKEN_FILE on the controller'));
        return;
      case 'missing':
        await reply.code(401).header('www-authenticate', 'Bearer realm="fs-pickup"').send(apiError('FSP_ERR_UNAUTHENTICATED', 'sign in at /board, or send Authorization: Bearer <token>'));
        return;
      case 'wrong':
        await reply.code(403).header('set-cookie', FORGET_COOKIE).send(apiError('FSP_ERR_FORBIDDEN', 'the token is not the configured one'));
        return;
      case 'granted':
        return;
    }
  };
}

function cookie(header: string | undefined): string | undefined {
  for (const pair of (header ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator === -1 || pair.slice(0, separator).trim() !== COOKIE) continue;
    try {
      return decodeURIComponent(pair.slice(separator + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}
