import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Readable } from 'node:stream';
import { Type } from 'typebox';
import {
  BuildJob,
  BuildParams,
  BuildPlatformPlan,
  BuildQuery,
  errorResponses,
} from '@archdeck/shared';
import { AppError } from '../../lib/errors.js';
import { jobRoutes } from '../../lib/job-routes.js';
import { openSse } from '../../lib/sse.js';

/** What a build context may be sent as; podman reads the compression from the bytes. */
const CONTEXT_TYPES = [
  'application/x-tar',
  'application/tar',
  'application/gzip',
  'application/x-gzip',
];

const builds: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 415: e415, 500: e500, 502: e502, 503: e503 } = errorResponses;

  // The context is streamed to the daemon's own file as it arrives (builds/context.ts), so the
  // parser hands the body over unread; the size limit is enforced while it is written.
  app.addContentTypeParser(CONTEXT_TYPES, (_request, payload, done) => done(null, payload));

  app.get(
    '/api/builds/platforms',
    { schema: { response: { 200: Type.Array(BuildPlatformPlan), 500: e500 } } },
    () => app.builds.plans(),
  );

  app.post(
    '/api/builds',
    {
      schema: {
        querystring: BuildQuery,
        consumes: CONTEXT_TYPES,
        body: Type.Unknown({
          description: 'The build context: a tar archive, plain or gzip (application/x-tar)',
        }),
        response: {
          202: BuildJob,
          400: e400,
          413: e400,
          415: e415,
          500: e500,
          502: e502,
          503: e503,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as Readable | null | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw new AppError(
          415,
          'unsupported_media_type',
          'Send the build context as the body, a tar archive with Content-Type: application/x-tar (gzip allowed).',
        );
      }
      return reply.code(202).send(await app.builds.start(request.query, body));
    },
  );

  jobRoutes(app, {
    path: '/api/builds',
    jobs: app.builds.jobs,
    job: BuildJob,
    params: BuildParams,
    cancel: (id) => app.builds.cancel(id),
    events: false,
  });

  /**
   * `job` events while it runs (at most ten a second), `output` with each platform's lines
   * (the kept ones first, for a late client), then one `end` with the final state. The build
   * outlives the stream.
   */
  app.get(
    '/api/builds/:id/events',
    { schema: { params: BuildParams, response: { 404: e404, 500: e500 } } },
    async (request, reply) => {
      app.builds.jobs.get(request.params.id);
      const sse = openSse(request, reply);
      const unsubscribe = app.builds.follow(request.params.id, {
        job: (snap, final) => {
          sse.send(final ? 'end' : 'job', snap);
          if (final) sse.close();
        },
        output: (output) => sse.send('output', output),
      });
      await sse.done;
      unsubscribe();
    },
  );
};

export default builds;
