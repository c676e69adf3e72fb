/**
 * The API's contract as OpenAPI 3.1, generated from the routes' TypeBox schemas as they are
 * registered: `GET /api/openapi.json`, and a viewer at `/api/docs` (swagger-ui's files, served
 * by the daemon: no CDN). Both need a credential, as every /api route does. The document is
 * also committed as `shared/openapi.json`; a test fails when the two differ.
 */
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { DAEMON_VERSION } from '../version.js';

export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'archdeck',
          version: DAEMON_VERSION,
          description:
            'Run containers on foreign CPU architectures with qemu-user and podman. Every /api route needs `Authorization: Bearer <token>` (the token in `<data-dir>/token`); errors are `{code, message, detail?}`.',
        },
        components: {
          securitySchemes: { token: { type: 'http', scheme: 'bearer' } },
        },
        security: [{ token: [] }],
      },
      // Only the API: the UI's files are not part of the contract.
      hideUntagged: false,
      transform: ({ schema, url, route }) => ({
        schema: { ...schema, hide: schema?.hide ?? !url.startsWith('/api/') },
        url,
        route,
      }),
    });
    await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });
    app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  },
  { name: 'openapi', dependencies: ['config'] },
);
