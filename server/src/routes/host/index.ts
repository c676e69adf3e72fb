import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Health, PublicHealth, errorResponses } from '@archdeck/shared';
import { hostInfo } from '../../host/host-info.js';
import { hostProblems } from '../../host/problems.js';
import { DAEMON_VERSION } from '../../version.js';

const health: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    {
      // Liveness never waits for podman; the full answer waits only for the first attempt
      // to reach it (engine.health), then tells what is known.
      config: { public: true, holdForPodman: false },
      schema: { response: { 200: Type.Union([Health, PublicHealth]), 500: errorResponses[500] } },
    },
    async (request) => {
      // Without a credential: liveness only, nothing about the host.
      if (!request.authenticated) return { ok: true };
      const [binfmt, podman] = await Promise.all([app.emulators.health(), app.engine.health()]);
      const containers = app.containerCheck.current;
      const problems = hostProblems({ binfmt, podman, containers });
      return {
        ok: !problems.some((p) => p.severity === 'error'),
        version: DAEMON_VERSION,
        host: hostInfo(),
        binfmt,
        podman,
        containers,
        problems,
      };
    },
  );
};

export default health;
