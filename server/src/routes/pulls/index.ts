import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  PullJob,
  PullParams,
  PullRequest,
  errorResponses,
  registryErrorResponses,
} from '@archdeck/shared';
import { openSse } from '../../lib/sse.js';

const pulls: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 500: e500, 503: e503 } = errorResponses;

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

  app.get('/api/pulls', { schema: { response: { 200: Type.Array(PullJob), 500: e500 } } }, () =>
    app.pulls.jobs.list(),
  );

  app.get(
    '/api/pulls/:id',
    { schema: { params: PullParams, response: { 200: PullJob, 404: e404, 500: e500 } } },
    (request) => app.pulls.jobs.get(request.params.id).snapshot(),
  );

  app.delete(
    '/api/pulls/:id',
    { schema: { params: PullParams, response: { 204: Type.Null(), 404: e404, 500: e500 } } },
    async (request, reply) => {
      app.pulls.jobs.cancel(request.params.id);
      return reply.code(204).send(null);
    },
  );

  /** `job` events while it runs, then one `end` with the final state; the job outlives the stream. */
  app.get(
    '/api/pulls/:id/events',
    { schema: { params: PullParams, response: { 404: e404, 500: e500 } } },
    async (request, reply) => {
      const job = app.pulls.jobs.get(request.params.id);
      const sse = openSse(request, reply);
      const unsubscribe = app.pulls.jobs.subscribe(request.params.id, (snap, final) => {
        sse.send(final ? 'end' : 'job', snap);
        if (final) sse.close();
      });
      if (!sse.closed) sse.send('job', job.snapshot());
      await sse.done;
      unsubscribe();
    },
  );
};

export default pulls;
