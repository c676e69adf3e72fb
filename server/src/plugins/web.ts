/**
 * Serves the built UI. Unknown non-API paths get index.html so client-side routes survive a
 * reload; unknown API paths get the JSON 404.
 */
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import type { ApiError } from '@archdeck/shared';

export default fp(
  async (app) => {
    const webDir = app.config.webDir;
    const built = existsSync(`${webDir}/index.html`);
    if (built) {
      await app.register(fastifyStatic, {
        root: webDir,
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
    }

    app.setNotFoundHandler((request, reply) => {
      if (request.url.startsWith('/api/') || request.method !== 'GET') {
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
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  },
  { name: 'web', dependencies: ['config'] },
);
