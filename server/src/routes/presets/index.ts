import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ContainerSummary,
  Preset,
  PresetParams,
  PresetRunRequest,
  errorResponses,
} from '@archdeck/shared';

const presets: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 409: e409, 500: e500, 502: e502, 503: e503 } = errorResponses;

  app.get('/api/presets', { schema: { response: { 200: Type.Array(Preset), 500: e500 } } }, () =>
    app.containers.presets(),
  );

  app.post(
    '/api/presets/:id/run',
    {
      schema: {
        params: PresetParams,
        body: PresetRunRequest,
        response: {
          201: ContainerSummary,
          400: e400,
          404: e404,
          409: e409,
          500: e500,
          502: e502,
          503: e503,
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await app.containers.runPreset(request.params.id, request.body.platform)),
  );
};

export default presets;
