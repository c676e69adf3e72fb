import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ElfReport,
  Emulators,
  EntryParams,
  RegisterAllRequest,
  RegisterAllResult,
  RegisterRequest,
  errorResponses,
} from '@archdeck/shared';
import { AppError } from '../../lib/errors.js';
import { ElfError } from '../../emulators/elf.js';
import cpus from './cpus.js';
import smokeTest from './smoke-test.js';

/** The inspector needs the headers only; the UI sends the first MiB of a file. */
const ELF_BODY_LIMIT = 16 * 1024 * 1024;

const emulators: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 403: e403, 404: e404, 409: e409, 415: e415, 500: e500 } = errorResponses;
  const changed = { 204: Type.Null(), 400: e400, 403: e403, 404: e404, 409: e409, 500: e500 };

  app.get('/api/emulators', { schema: { response: { 200: Emulators, 500: e500 } } }, async () => {
    const [state, smokeTests] = await Promise.all([
      app.emulators.read(),
      app.smokeTests.snapshot(),
    ]);
    return { ...state, smokeTests };
  });

  await app.register(smokeTest);
  await app.register(cpus);

  app.post(
    '/api/emulators',
    {
      schema: {
        body: RegisterRequest,
        response: { 201: Type.Object({ name: Type.String() }), ...changed },
      },
    },
    async (request, reply) => reply.code(201).send(await app.emulators.register(request.body)),
  );

  app.post(
    '/api/emulators/register-all',
    { schema: { body: RegisterAllRequest, response: { 200: RegisterAllResult, ...changed } } },
    () => app.emulators.registerAll(),
  );

  app.post('/api/emulators/mount', { schema: { response: changed } }, async (_request, reply) => {
    await app.emulators.mount();
    return reply.code(204).send(null);
  });

  for (const [action, value] of [
    ['enable', '1'],
    ['disable', '0'],
  ] as const) {
    app.post(
      `/api/emulators/:name/${action}`,
      { schema: { params: EntryParams, response: changed } },
      async (request, reply) => {
        await app.emulators.control(request.params.name, value);
        return reply.code(204).send(null);
      },
    );
  }

  app.delete(
    '/api/emulators/:name',
    { schema: { params: EntryParams, response: changed } },
    async (request, reply) => {
      await app.emulators.control(request.params.name, '-1');
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/emulators/:name/persist',
    { schema: { params: EntryParams, response: changed } },
    async (request, reply) => {
      await app.emulators.persist(request.params.name);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/emulators/:name/persist',
    { schema: { params: EntryParams, response: changed } },
    async (request, reply) => {
      await app.emulators.unpersist(request.params.name);
      return reply.code(204).send(null);
    },
  );

  // Binary upload: the one place a non-JSON body is accepted, scoped to this plugin.
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: ELF_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  );
  app.post(
    '/api/elf',
    {
      bodyLimit: ELF_BODY_LIMIT,
      schema: { response: { 200: ElfReport, 400: e400, 415: e415, 500: e500 } },
    },
    async (request) => {
      if (!Buffer.isBuffer(request.body)) {
        throw new AppError(
          415,
          'unsupported_media_type',
          'Send the binary as application/octet-stream.',
        );
      }
      try {
        return await app.emulators.inspectElf(request.body);
      } catch (err) {
        if (err instanceof ElfError)
          throw new AppError(400, 'not_elf', `Not a readable ELF binary: ${err.message}`);
        throw err;
      }
    },
  );
};

export default emulators;
