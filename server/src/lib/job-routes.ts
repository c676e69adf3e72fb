/**
 * The routes every kind of daemon job has (jobs/jobs.ts), under its own path: the list, one job,
 * cancel, and (unless the kind streams more than its state) its event stream: `job` events
 * while it runs, then one `end` with the final state. The job outlives the stream.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { errorResponses } from '@archdeck/shared';
import type { JobFields, Jobs } from '../jobs/jobs.js';
import { openSse } from './sse.js';

export interface JobRoutesOptions<S extends JobFields> {
  /** e.g. `/api/pulls`: the list; `/:id`, `/:id/events` under it. */
  path: string;
  jobs: Jobs<S>;
  /** The job's contract and its id parameter. */
  job: TSchema;
  params: TSchema;
  /** Cancels a job; the default is the jobs' own cancel. */
  cancel?: (id: string) => void;
  /** false: the kind registers an event stream of its own. */
  events?: boolean;
}

export function jobRoutes<S extends JobFields>(app: FastifyInstance, opts: JobRoutesOptions<S>) {
  const { 404: e404, 500: e500 } = errorResponses;
  const { path, jobs, job, params } = opts;
  const cancel = opts.cancel ?? ((id: string) => jobs.cancel(id));
  const idOf = (request: { params: unknown }) => (request.params as { id: string }).id;

  app.get(path, { schema: { response: { 200: Type.Array(job), 500: e500 } } }, () => jobs.list());

  app.get(
    `${path}/:id`,
    { schema: { params, response: { 200: job, 404: e404, 500: e500 } } },
    (request) => jobs.get(idOf(request)).snapshot(),
  );

  app.delete(
    `${path}/:id`,
    { schema: { params, response: { 204: Type.Null(), 404: e404, 500: e500 } } },
    async (request, reply) => {
      cancel(idOf(request));
      return reply.code(204).send(null);
    },
  );

  if (opts.events === false) return;
  app.get(
    `${path}/:id/events`,
    { schema: { params, response: { 404: e404, 500: e500 } } },
    async (request, reply) => {
      const id = idOf(request);
      const current = jobs.get(id);
      const sse = openSse(request, reply);
      const unsubscribe = jobs.subscribe(id, (snap, final) => {
        sse.send(final ? 'end' : 'job', snap);
        if (final) sse.close();
      });
      if (!sse.closed) sse.send('job', current.snapshot());
      await sse.done;
      unsubscribe();
    },
  );
}
