import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  Host,
  HostConfirm,
  HostCreate,
  HostParams,
  HostsKey,
  Placement,
  PlacementQuery,
  errorResponses,
} from '@archdeck/shared';

/**
 * GET /api/hosts, POST /api/hosts (reads the host key; the host stays unconfirmed), POST
 * /api/hosts/:id/confirm (pins the fingerprint the user compared), DELETE /api/hosts/:id, and
 * GET /api/hosts/key: archdeck's public key and a ready authorized_keys line; GET
 * /api/hosts/placement?platform=: where a run of that platform goes, and the other choices.
 */
const hosts: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 409: e409, 500: e500, 502: e502 } = errorResponses;

  app.get('/api/hosts', { schema: { response: { 200: Type.Array(Host), 500: e500 } } }, () =>
    app.hosts.list(),
  );

  app.get(
    '/api/hosts/key',
    { schema: { response: { 200: HostsKey, 500: e500 } } },
    () => app.hosts.publicKey,
  );

  app.get(
    '/api/hosts/placement',
    { schema: { querystring: PlacementQuery, response: { 200: Placement, 400: e400, 500: e500 } } },
    (request) => app.hosts.placement(request.query.platform),
  );

  app.post(
    '/api/hosts',
    {
      schema: {
        body: HostCreate,
        response: { 201: Host, 400: e400, 409: e409, 500: e500, 502: e502 },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await app.hosts.add(request.body.name, request.body.url)),
  );

  app.post(
    '/api/hosts/:id/confirm',
    {
      schema: {
        params: HostParams,
        body: HostConfirm,
        response: { 200: Host, 400: e400, 404: e404, 409: e409, 500: e500 },
      },
    },
    (request) => app.hosts.confirm(request.params.id, request.body.fingerprint),
  );

  app.delete(
    '/api/hosts/:id',
    {
      schema: {
        params: HostParams,
        response: { 204: Type.Null(), 400: e400, 404: e404, 500: e500 },
      },
    },
    async (request, reply) => {
      await app.hosts.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default hosts;
