import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ArchParams, CpuModels, errorResponses } from '@archdeck/shared';

/**
 * The emulated CPU models offered for an architecture, each checked against the installed
 * qemu, with what it gives; and the ones not offered, with why.
 */
const cpus: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 500: e500 } = errorResponses;
  app.get(
    '/api/emulators/:arch/cpus',
    { schema: { params: ArchParams, response: { 200: CpuModels, 400: e400, 500: e500 } } },
    (request) => app.cpuModels.list(request.params.arch),
  );
};

export default cpus;
