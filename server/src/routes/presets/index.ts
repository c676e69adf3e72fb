import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';
import { Type } from 'typebox';
import { Preset, PresetChange, PresetInput, PresetParams, errorResponses } from '@archdeck/shared';
import { presetSchemaProblem } from '../../presets/definitions.js';

/** A wrong field is named with what it takes, not with the schema's pattern. */
const schemaErrorFormatter = (errors: FastifySchemaValidationError[]) =>
  new Error(presetSchemaProblem(errors));

/**
 * The presets the user keeps. There is no run route here: a preset runs as any image does,
 * through POST /api/containers with its image, cmd and tty.
 */
const presets: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 409: e409, 500: e500 } = errorResponses;

  app.get('/api/presets', { schema: { response: { 200: Type.Array(Preset), 500: e500 } } }, () =>
    app.presets.list(),
  );

  app.post(
    '/api/presets',
    {
      schema: {
        body: PresetInput,
        response: { 201: Preset, 400: e400, 409: e409, 500: e500 },
      },
      schemaErrorFormatter,
    },
    async (request, reply) => reply.code(201).send(await app.presets.create(request.body)),
  );

  app.put(
    '/api/presets/:id',
    {
      schema: {
        params: PresetParams,
        body: PresetChange,
        response: { 200: Preset, 400: e400, 404: e404, 500: e500 },
      },
      schemaErrorFormatter,
    },
    (request) => app.presets.update(request.params.id, request.body),
  );

  app.delete(
    '/api/presets/:id',
    {
      schema: {
        params: PresetParams,
        response: { 204: Type.Null(), 400: e400, 404: e404, 500: e500 },
      },
      schemaErrorFormatter,
    },
    async (request, reply) => {
      await app.presets.remove(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/presets/:id/check',
    {
      schema: {
        params: PresetParams,
        response: { 200: Preset, 400: e400, 404: e404, 500: e500 },
      },
      schemaErrorFormatter,
    },
    (request) => app.presets.check(request.params.id),
  );
};

export default presets;
