import type { FastifyError, FastifyPluginAsync, FastifyReply } from 'fastify';
import { validateDomain } from '../../domain/users.ts';
import type { AdminContext } from '../admin-context.ts';
import { apiError } from '../api-token.ts';
import { type BoardAccess, FORGET_COOKIE, accessOf, credentialOf, requireBoardAccess, sessionCookie } from './board-access.ts';
import { BOARD_HEADERS, type BoardAssets, loadBoardAssets } from './board-assets.ts';
import { BoardHub, BoardRefusal, type BoardSettings, DEFAULT_BOARD_SETTINGS } from './board-hub.ts';
import { EventStream } from '../event-stream.ts';

/** The sign-in form's fields; anything bigger is not a token. */
const SIGN_IN_BODY_LIMIT = 4096;

/**
 * The live pickup board, with the API's token:
 * - `GET /board`: the page (or the sign-in page: 401, 403); `?token=` signs in and redirects to the same URL
 *   without it; `?domain=` chooses the domain;
 * - `POST /board/login`: the sign-in form (`token`, `domain`);
 * - `GET /board/domains`: the domains with configured users (JSON);
 * - `GET /board/events?domain=`: the domain's server-sent events: `snapshot` on connect, then `groups` and `pickup`;
 * - `GET /board/board.js`, `board.css`, `icon.svg`: the page's files, to anyone.
 * Closing the app ends every stream first.
 */
export const boardRoutes: FastifyPluginAsync<{ admin: AdminContext; settings?: Partial<BoardSettings> }> = async (app, { admin, settings }) => {
  const assets = loadBoardAssets();
  const hub = new BoardHub(admin, { ...DEFAULT_BOARD_SETTINGS, ...settings });
  const requireAccess = requireBoardAccess(admin.token);
  /** The domains with configured users; undefined while Redis does not answer. */
  const knownDomains = (): Promise<string[] | undefined> => admin.preferences.domains().catch(() => undefined);

  app.addHook('onSend', async (_request, reply) => {
    reply.headers(BOARD_HEADERS);
  });
  // The server cannot close while streams are open.
  app.addHook('preClose', async () => hub.close());
  // Logged without the request's URL, which may carry the token (`/board?token=`).
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error, route: request.routeOptions.url }, 'board request failed');
    return reply.code(status).send(status >= 500 ? apiError('FSP_ERR_INTERNAL', 'the board failed; see the controller log') : apiError('FSP_ERR_BAD_REQUEST', error.message));
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: SIGN_IN_BODY_LIMIT }, (_request, body, done) => {
    done(null, new URLSearchParams(String(body)));
  });

  app.get('/board', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const domain = domainOf(query.domain);
    if (typeof query.token === 'string') {
      // The link's token: kept in the cookie, and gone from the address bar (and its history) at once.
      return signIn(reply, assets, accessOf(admin.token, query.token), query.token, domain);
    }
    const access = accessOf(admin.token, credentialOf(request));
    if (access !== 'granted') return signInPage(reply, assets, access, domain);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(assets.page);
  });

  app.post('/board/login', async (request, reply) => {
    const form = request.body instanceof URLSearchParams ? request.body : new URLSearchParams();
    const token = form.get('token') ?? '';
    return signIn(reply, assets, accessOf(admin.token, token), token, domainOf(form.get('domain')));
  });

  app.get('/board/domains', { onRequest: requireAccess }, async (_request, reply) => {
    const domains = await knownDomains();
    if (!domains) return unavailable(reply);
    return reply.header('cache-control', 'no-store').send({ domains });
  });

  app.get('/board/events', { onRequest: requireAccess, exposeHeadRoute: false }, async (request, reply) => {
    const domain = domainOf((request.query as Record<string, unknown>).domain);
    if (domain === undefined) return reply.code(400).send(apiError('FSP_ERR_INVALID_DOMAIN', 'name a domain: /board/events?domain=<domain>'));
    const domains = await knownDomains();
    if (!domains) return unavailable(reply);
    if (!domains.includes(domain)) return reply.code(404).send(apiError('FSP_ERR_UNKNOWN_DOMAIN', 'no user is configured in that domain', domain));
    let attach;
    try {
      attach = await hub.admit(domain);
    } catch (error) {
      if (!(error instanceof BoardRefusal)) throw error;
      return refuse(reply, error);
    }
    reply.hijack();
    attach(new EventStream(reply.raw, { headers: BOARD_HEADERS }));
  });

  for (const [name, file] of assets.publicFiles) {
    app.get(`/board/${name}`, async (_request, reply) => reply.type(file.type).header('cache-control', 'no-cache').send(file.body));
  }
};

function refuse(reply: FastifyReply, refusal: BoardRefusal): FastifyReply {
  return reply.code(503).header('retry-after', '5').send(apiError(`FSP_ERR_BOARD_${refusal.reason.toUpperCase()}`, refusal.message));
}

function unavailable(reply: FastifyReply): FastifyReply {
  return refuse(reply, new BoardRefusal('unavailable'));
}

/** A right token gets the cookie and goes to the board (303: the browser GETs it); otherwise the sign-in page. */
function signIn(reply: FastifyReply, assets: BoardAssets, access: BoardAccess, token: string, domain: string | undefined): FastifyReply {
  if (access !== 'granted') return signInPage(reply, assets, access, domain);
  return reply.header('set-cookie', sessionCookie(token)).header('cache-control', 'no-store').redirect(domain === undefined ? '/board' : `/board?domain=${encodeURIComponent(domain)}`, 303);
}

function signInPage(reply: FastifyReply, assets: BoardAssets, access: Exclude<BoardAccess, 'granted'>, domain: string | undefined): FastifyReply {
  reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
  switch (access) {
    case 'disabled':
      return reply.code(403).send(assets.signIn('The board is off: set FSP_API_TOKEN or FSP_API_TOKEN_FILE on the controller (FSP_ERR_API_DISABLED).', 'off', domain));
    case 'missing':
      return reply.code(401).header('www-authenticate', 'Bearer realm="fs-pickup"').send(assets.signIn('Enter the controller’s API token (FSP_API_TOKEN).', 'ask', domain));
    case 'wrong':
      return reply.code(403).header('set-cookie', FORGET_COOKIE).send(assets.signIn('That is not the controller’s API token (FSP_ERR_FORBIDDEN).', 'ask', domain));
  }
}

/** A domain from the query or the form when it is a valid domain name; anything else is ignored. */
function domainOf(value: unknown): string | undefined {
  return typeof value === 'string' && validateDomain(value) === undefined ? value : undefined;
}
