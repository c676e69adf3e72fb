import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ContainerActionParams,
  ContainerActionQuery,
  ContainerParams,
  ContainerSummary,
  LaunchJob,
  LaunchParams,
  RunRequest,
  errorResponses,
  registryErrorResponses,
} from '@archdeck/shared';
import { jobRoutes } from '../../lib/job-routes.js';

const containers: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 409: e409, 500: e500, 502: e502, 503: e503 } = errorResponses;
  const failures = { 400: e400, 404: e404, 409: e409, 500: e500, 502: e502, 503: e503 };

  app.get(
    '/api/containers',
    { schema: { response: { 200: Type.Array(ContainerSummary), ...failures } } },
    () => app.containers.list(),
  );

  app.get(
    '/api/containers/:id',
    { schema: { params: ContainerParams, response: { 200: ContainerSummary, ...failures } } },
    (request) => app.containers.get(request.params.id),
  );

  // 201 with the container when its image is local; else 202 with the launch that pulls it
  // first, followed at /api/launches/:id/events (the pull's progress is in its events).
  app.post(
    '/api/containers',
    {
      schema: {
        body: RunRequest,
        response: {
          201: ContainerSummary,
          202: LaunchJob,
          ...failures,
          ...registryErrorResponses,
        },
      },
    },
    async (request, reply) => {
      const outcome = await app.containers.run(request.body);
      return 'container' in outcome
        ? reply.code(201).send(outcome.container)
        : reply.code(202).send(outcome.launch);
    },
  );

  jobRoutes(app, {
    path: '/api/launches',
    jobs: app.containers.launches.jobs,
    job: LaunchJob,
    params: LaunchParams,
  });

  app.post(
    '/api/containers/:id/:action',
    {
      schema: {
        params: ContainerActionParams,
        querystring: ContainerActionQuery,
        response: { 204: Type.Null(), ...failures },
      },
    },
    async (request, reply) => {
      const { id, action } = request.params;
      await app.containers.action(id, action, request.query.timeout);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/containers/:id',
    { schema: { params: ContainerParams, response: { 204: Type.Null(), ...failures } } },
    async (request, reply) => {
      await app.containers.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default containers;
