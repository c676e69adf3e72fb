/**
 * The daemon's credential. A random token lives in `<data-dir>/token` (mode 0600). Browsers
 * trade it once (`/?token=…` or the login form) for an HttpOnly, SameSite=Strict cookie;
 * scripts send `Authorization: Bearer <token>`. Every /api route needs one of them unless it
 * is marked `config: { public: true }`.
 */
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '@archdeck/shared';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a credential (the route decides what to reveal). */
    public?: boolean;
  }
  interface FastifyRequest {
    authenticated: boolean;
  }
  interface FastifyInstance {
    auth: {
      /** Sets the session cookie when `token` is right; tells whether it was. */
      login(token: string, reply: FastifyReply): boolean;
      /** What a 401 tells the user: where the token is. */
      signInHint: string;
    };
  }
}

export async function loadOrCreateToken(dataDir: string): Promise<string> {
  const path = join(dataDir, 'token');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token.length >= 32) {
      await chmod(path, 0o600);
      return token;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(32).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export default fp(
  async (app) => {
    const token = await loadOrCreateToken(app.config.dataDir);
    // The cookie holds a value derived from the token, so the token itself never sits in a
    // cookie jar. Cookies ignore ports, so the name carries it to keep two daemons apart.
    const session = createHmac('sha256', token).update('archdeck-session-v1').digest('base64url');
    const cookieName = `archdeck_session_${app.config.port}`;

    await app.register(cookie);

    const setSession = (reply: FastifyReply) =>
      reply.setCookie(cookieName, session, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
      });

    app.decorateRequest('authenticated', false);
    app.decorate('auth', {
      login(candidate: string, reply: FastifyReply) {
        if (!sameSecret(candidate, token)) return false;
        setSession(reply);
        return true;
      },
      signInHint: `Sign in with the token printed by \`npm start\` (also in \`${join(app.config.dataDir, 'token')}\`).`,
    });

    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const bearer = request.headers.authorization;
      const viaCookie = request.cookies[cookieName];
      request.authenticated =
        (bearer?.startsWith('Bearer ') === true && sameSecret(bearer.slice(7), token)) ||
        (viaCookie !== undefined && sameSecret(viaCookie, session));

      const url = new URL(request.url, 'http://archdeck');
      if (!url.pathname.startsWith('/api/')) {
        // The tokened link printed at start: trade the token for the cookie, then drop it
        // from the address bar (and from history) with a redirect to the clean URL. A wrong one
        // (an old link, a cut-off copy) leaves a flag instead, so the login prompt can say why.
        const offered = url.searchParams.get('token');
        if (request.method === 'GET' && offered !== null) {
          url.searchParams.delete('token');
          url.searchParams.delete('auth');
          if (sameSecret(offered, token)) setSession(reply);
          else if (!request.authenticated) url.searchParams.set('auth', 'rejected');
          return reply.redirect(url.pathname + url.search, 303);
        }
        return;
      }
      if (request.authenticated || request.routeOptions.config.public) return;
      const body: ApiError = { code: 'unauthorized', message: app.auth.signInHint };
      return reply.code(401).send(body);
    });
  },
  { name: 'auth', dependencies: ['config', 'security'] },
);
