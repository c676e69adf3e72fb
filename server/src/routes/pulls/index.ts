import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  PullJob,
  PullParams,
  PullRequest,
  errorResponses,
  registryErrorResponses,
} from '@archdeck/shared';
import { jobRoutes } from '../../lib/job-routes.js';

const pulls: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 500: e500, 503: e503 } = errorResponses;

  app.post(
    '/api/pulls',
    {
      schema: {
        body: PullRequest,
        // A short name may be looked up in registries to choose the one to pull.
        response: {
          200: PullJob,
          202: PullJob,
          400: e400,
          500: e500,
          503: e503,
          ...registryErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const { ref, platform, policy } = request.body;
      const local = policy === 'missing' ? await app.pulls.local(ref, platform) : null;
      if (local) return reply.code(200).send(local);
      return reply.code(202).send(await app.pulls.start(ref, platform));
    },
  );

  jobRoutes(app, { path: '/api/pulls', jobs: app.pulls.jobs, job: PullJob, params: PullParams });
};

export default pulls;
