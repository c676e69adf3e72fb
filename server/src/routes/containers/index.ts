import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ContainerActionParams,
  ContainerActionQuery,
  ContainerParams,
  ContainerSummary,
  RunRequest,
  errorResponses,
} from '@archdeck/shared';

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

  app.post(
    '/api/containers',
    { schema: { body: RunRequest, response: { 201: ContainerSummary, ...failures } } },
    async (request, reply) => reply.code(201).send(await app.containers.run(request.body)),
  );

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
