import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Session, SessionLogin, errorResponses } from '@archdeck/shared';
import { join } from 'node:path';
import { AppError } from '../../lib/errors.js';

const session: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/session',
    {
      config: { public: true },
      schema: { response: { 200: Session, 401: errorResponses[401] } },
    },
    async (request) => {
      if (!request.authenticated) {
        throw new AppError(401, 'unauthorized', app.auth.signInHint);
      }
      return { authenticated: true };
    },
  );

  app.post(
    '/api/session',
    {
      config: { public: true },
      schema: {
        body: SessionLogin,
        response: { 200: Session, 400: errorResponses[400], 401: errorResponses[401] },
      },
    },
    async (request, reply) => {
      if (!app.auth.login(request.body.token, reply)) {
        throw new AppError(
          401,
          'bad_token',
          `That token is not right. Use the one printed by \`npm start\` (also in \`${join(app.config.dataDir, 'token')}\`).`,
        );
      }
      return { authenticated: true };
    },
  );
};

export default session;
