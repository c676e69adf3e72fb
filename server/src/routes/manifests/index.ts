import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  AddManifestEntryRequest,
  CreateManifestRequest,
  ManifestEntryParams,
  ManifestList,
  ManifestParams,
  PushJob,
  PushParams,
  errorResponses,
} from '@archdeck/shared';
import { jobRoutes } from '../../lib/job-routes.js';

const manifests: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 409: e409, 500: e500, 502: e502, 503: e503 } = errorResponses;
  const failures = { 400: e400, 404: e404, 500: e500, 502: e502, 503: e503 };

  app.get(
    '/api/manifests',
    { schema: { response: { 200: Type.Array(ManifestList), ...failures } } },
    () => app.manifests.list(),
  );

  app.post(
    '/api/manifests',
    {
      schema: {
        body: CreateManifestRequest,
        response: { 201: ManifestList, 409: e409, ...failures },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await app.manifests.create(request.body.name, request.body.images)),
  );

  app.get(
    '/api/manifests/:id',
    { schema: { params: ManifestParams, response: { 200: ManifestList, ...failures } } },
    (request) => app.manifests.get(request.params.id),
  );

  app.delete(
    '/api/manifests/:id',
    { schema: { params: ManifestParams, response: { 204: Type.Null(), ...failures } } },
    async (request, reply) => {
      app.manifests.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/manifests/:id/entries',
    {
      schema: {
        params: ManifestParams,
        body: AddManifestEntryRequest,
        response: { 200: ManifestList, 409: e409, ...failures },
      },
    },
    (request) => app.manifests.addEntry(request.params.id, request.body.image),
  );

  app.delete(
    '/api/manifests/:id/entries/:imageId',
    { schema: { params: ManifestEntryParams, response: { 200: ManifestList, ...failures } } },
    (request) => app.manifests.removeEntry(request.params.id, request.params.imageId),
  );

  /** Publishes the list to its registry: a job (202), or the push of it already running. */
  app.post(
    '/api/manifests/:id/push',
    {
      schema: { params: ManifestParams, response: { 202: PushJob, 409: e409, ...failures } },
    },
    async (request, reply) => reply.code(202).send(await app.pushes.start(request.params.id)),
  );

  jobRoutes(app, {
    path: '/api/manifests/pushes',
    jobs: app.pushes.jobs,
    job: PushJob,
    params: PushParams,
  });
};

export default manifests;
