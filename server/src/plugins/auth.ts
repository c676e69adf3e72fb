/**
 * Who may use the API, decided on the route the router matched (never on the URL string a
 * client sent: `/%61pi/…` reaches the same route as `/api/…`). Deny by default: every route is
 * protected unless it is marked `config: { public: true }` (the login exchange, liveness) or
 * `config: { ui: true }` (the UI's files), so a new route is protected without anyone
 * remembering to.
 *
 * Credentials: the token in `<data-dir>/token`, sent by scripts as `Authorization: Bearer`, or
 * traded once by a browser (`/?token=…` or the login form) for an HttpOnly SameSite=Strict
 * cookie. A wrong Bearer is a 401 everywhere, public routes and WebSocket upgrades included.
 *
 * What a browser request must also prove, because a page on another port of 127.0.0.1 is
 * "same-site" and so gets the SameSite=Strict cookie attached to its requests:
 *  - a state-changing request carries an exact same-origin Origin (a script: a valid Bearer);
 *    cross-site fetch metadata is refused;
 *  - a request authenticated by the cookie carries `Sec-Fetch-Site: same-origin` (`none`, a
 *    typed address, for reads; a WebSocket handshake, which has no fetch metadata, its exact
 *    Origin): an `<img src>` on another local port cannot make the daemon reach out to a
 *    registry, or anything else.
 */
import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { loadOrCreateToken } from '../auth/token.js';
import { isApiPath } from '../lib/api-path.js';
import { isSameOrigin, refuse } from './security.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a credential (the route decides what to reveal). */
    public?: boolean;
    /**
     * The UI's files: public, except for a path that resembles the API. The files' catch-all
     * route would otherwise match `/API/…` or `//api/…` and hand them to the not-found handler.
     */
    ui?: boolean;
  }
  interface FastifyRequest {
    /** How the request proved it holds the token, if it did. */
    credential: 'bearer' | 'cookie' | null;
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

const SAFE_METHODS = new Set(['GET', 'HEAD']);

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export default fp(
  async (app) => {
    const tokenPath = join(app.config.dataDir, 'token');
    const token = await loadOrCreateToken(app.config.dataDir);
    // The cookie holds a value derived from the token, so the token itself never sits in a
    // cookie jar. Cookies ignore ports, so the name carries it to keep two daemons apart.
    const session = createHmac('sha256', token).update('archdeck-session-v1').digest('base64url');
    const cookieName = `archdeck_session_${app.config.port}`;
    const signIn = `Sign in with the token printed by \`npm start\` (also in \`${tokenPath}\`).`;

    await app.register(cookie);

    const setSession = (reply: FastifyReply) =>
      reply.setCookie(cookieName, session, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
      });

    app.decorateRequest('credential', null);
    app.decorateRequest('authenticated', false);
    app.decorate('auth', {
      login(candidate: string, reply: FastifyReply) {
        if (!sameSecret(candidate, token)) return false;
        setSession(reply);
        return true;
      },
      signInHint: signIn,
    });

    /** The credential the request carries; a wrong Bearer is an answer already (401). */
    const credentialOf = (request: FastifyRequest): FastifyRequest['credential'] | 'wrong' => {
      const authorization = request.headers.authorization;
      if (authorization !== undefined) {
        const bearer = /^Bearer (\S+)$/.exec(authorization)?.[1];
        return bearer !== undefined && sameSecret(bearer, token) ? 'bearer' : 'wrong';
      }
      const viaCookie = request.cookies[cookieName];
      return viaCookie !== undefined && sameSecret(viaCookie, session) ? 'cookie' : null;
    };

    /** The origin checks every state-changing request passes, public ones included. */
    const crossSite = (request: FastifyRequest, reply: FastifyReply) => {
      if (SAFE_METHODS.has(request.method)) return null;
      const site = request.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        return refuse(reply, 403, 'cross_origin', 'Requests from other sites are not allowed.');
      }
      if (request.headers.origin !== undefined) {
        if (isSameOrigin(request)) return null;
        return refuse(reply, 403, 'cross_origin', 'Requests from other origins are not allowed.');
      }
      // No Origin: only a script holding the token, not a browser's cookie, may change state.
      // (Node's fetch sends Sec-Fetch-Mode like a browser: what counts is the token.)
      if (request.credential === 'bearer') return null;
      return refuse(
        reply,
        403,
        'origin_required',
        'State-changing requests need a same-origin Origin header, or an Authorization: Bearer token from a script.',
      );
    };

    /** What the request may do: undefined to go on, else the reply that answered it. */
    const admit = (request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined => {
      const credential = credentialOf(request);
      if (credential === 'wrong') {
        return refuse(reply, 401, 'unauthorized', `That Bearer token is not right. ${signIn}`);
      }
      request.credential = credential;
      request.authenticated = credential !== null;

      if (crossSite(request, reply)) return reply;

      // The UI's files, and its client-side routes (no route matched: the not-found handler
      // serves index.html) are public; anything that only resembles the API is not.
      const { config } = request.routeOptions;
      const ui = (config.ui === true || request.is404) && !isApiPath(request.url);
      if (config.public === true || ui) {
        // The tokened link printed at start: trade the token for the cookie, then drop it from
        // the address bar (and from history) with a redirect to the clean URL.
        if (request.method !== 'GET' || !request.url.includes('token=')) return;
        const url = new URL(request.url, 'http://archdeck');
        const offered = url.searchParams.get('token');
        if (offered === null || isApiPath(url.pathname)) return;
        // A wrong one (an old link, a cut-off copy) leaves a flag instead, so the login prompt
        // can say why.
        url.searchParams.delete('token');
        url.searchParams.delete('auth');
        if (sameSecret(offered, token)) setSession(reply);
        else if (!request.authenticated) url.searchParams.set('auth', 'rejected');
        return reply.redirect(url.pathname + url.search, 303);
      }
      if (!request.authenticated) return refuse(reply, 401, 'unauthorized', signIn);
      if (credential === 'cookie') {
        const site = request.headers['sec-fetch-site'];
        const typed = site === 'none' && SAFE_METHODS.has(request.method);
        // Browsers send no fetch metadata on a WebSocket handshake, but always an Origin.
        const handshake = site === undefined && isSameOrigin(request);
        if (site !== 'same-origin' && !typed && !handshake) {
          return refuse(
            reply,
            403,
            'cross_origin',
            'This request did not come from the archdeck page itself (no Sec-Fetch-Site: same-origin). Scripts authenticate with Authorization: Bearer <token>.',
          );
        }
      }
      return undefined;
    };

    // Callback style (see security.ts): an answered request goes no further.
    app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
      if (admit(request, reply) === undefined) done();
    });
  },
  { name: 'auth', dependencies: ['config', 'security'] },
);
