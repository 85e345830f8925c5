import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The admin API's bearer token. Candidates are compared in constant time (their SHA-256 digests, so that neither
 * the content nor the length of the token shows in the timing), and the token never leaves this object.
 */
export class ApiToken {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = sha256(token);
  }

  matches(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.digest);
  }

  /** The token a request carries: `Authorization: Bearer <token>`; undefined when it carries none. */
  static of(request: FastifyRequest): string | undefined {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
    return match?.[1];
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** The JSON body of every API error: a stable code, a message for people, and the entry at fault when there is one. */
export interface ApiErrorBody {
  readonly code: string;
  readonly message: string;
  readonly entry?: string;
}

/**
 * A Fastify onRequest hook for routes that need the token: 401 without one (with a `WWW-Authenticate` challenge),
 * 403 with a wrong one, and 403 when no token is configured (the API is off until FSP_API_TOKEN is set).
 */
export function requireApiToken(token: ApiToken | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!token) {
      await reply.code(403).send(apiError('FSP_ERR_API_DISABLED', 'the admin API is off: set FSP_API_TOKEN or FSP_API_TOKEN_FILE on the controller'));
      return;
    }
    const candidate = ApiToken.of(request);
    if (candidate === undefined) {
      await reply.code(401).header('www-authenticate', 'Bearer realm="fs-pickup"').send(apiError('FSP_ERR_UNAUTHENTICATED', 'a bearer token is required (Authorization: Bearer <token>)'));
      return;
    }
    if (!token.matches(candidate)) await reply.code(403).send(apiError('FSP_ERR_FORBIDDEN', 'the bearer token is not the configured one'));
  };
}

export function apiError(code: string, message: string, entry?: string): ApiErrorBody {
  return entry === undefined ? { code, message } : { code, message, entry };
}
