import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ImageDetail, ImageParams, ImageSummary, errorResponses } from '@archdeck/shared';
import { serializedOnce } from '../../lib/serialized-once.js';

const images: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 409: e409, 500: e500, 502: e502, 503: e503 } = errorResponses;
  const failures = { 400: e400, 404: e404, 500: e500, 502: e502, 503: e503 };

  const listBody = serializedOnce();
  app.get(
    '/api/images',
    { schema: { response: { 200: Type.Array(ImageSummary), ...failures } } },
    async (request, reply) => listBody(reply, await app.images.summaries()),
  );

  app.get(
    '/api/images/:id',
    { schema: { params: ImageParams, response: { 200: ImageDetail, ...failures } } },
    (request) => app.images.detail(request.params.id, request.closed),
  );

  app.delete(
    '/api/images/:id',
    { schema: { params: ImageParams, response: { 204: Type.Null(), 409: e409, ...failures } } },
    async (request, reply) => {
      await app.images.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default images;
