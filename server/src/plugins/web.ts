/**
 * Serves the built UI, the one public part of the daemon besides the login exchange. Unknown
 * non-API paths get index.html so client-side routes survive a reload; unknown paths that name
 * the API in any spelling get the JSON 404 (after the auth plugin asked for a credential).
 */
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiError } from '@archdeck/shared';
import { isApiPath } from '../lib/api-path.js';

export default fp(
  async (app) => {
    const webDir = app.config.webDir;
    const built = existsSync(`${webDir}/index.html`);
    if (built) {
      await app.register(async (files) => {
        // The UI's files are what a signed-out browser needs to show the login: public (see
        // the auth plugin). Only the routes registered in this scope are marked.
        files.addHook('onRoute', (route) => {
          route.config = { ...route.config, ui: true };
        });
        await files.register(fastifyStatic, {
          root: webDir,
          decorateReply: false,
          // Look files up per request, so a rebuilt UI is served without a daemon restart;
          // a path that is no file falls through to the not-found handler (index.html).
          wildcard: true,
          index: ['index.html'],
          // Vite puts a content hash in every asset name, so they never change.
          setHeaders(res, path) {
            res.header(
              'cache-control',
              path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
            );
          },
        });
      });
    }

    app.setNotFoundHandler(async (request, reply) => {
      if (isApiPath(request.url) || request.method !== 'GET') {
        const body: ApiError = {
          code: 'not_found',
          message: `No route ${request.method} ${request.url.split('?')[0]}`,
        };
        return reply.code(404).send(body);
      }
      if (!built) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(`The archdeck UI is not built (no ${webDir}/index.html). Run: npm start`);
      }
      // Read per request, like the static files, so a rebuilt UI is served without a restart.
      const html = await readFile(join(webDir, 'index.html'));
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
    });
  },
  { name: 'web', dependencies: ['config'] },
);
