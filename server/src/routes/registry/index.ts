import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { RemotePlatforms, RemotePlatformsQuery, errorResponses } from '@archdeck/shared';
import { AppError } from '../../lib/errors.js';
import { parseRef } from '../../images/pulls.js';
import { RegistryError, type RegistryErrorKind } from '../../images/registry-client.js';
import { entryPlatform } from '../../images/registry-lookup.js';

const STATUS: Record<RegistryErrorKind, number> = {
  not_found: 404,
  unauthorized: 401,
  unreachable: 502,
  tls: 502,
  timeout: 504,
  bad_response: 502,
  too_large: 502,
};

const registry: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 401: e401, 404: e404, 500: e500, 502: e502 } = errorResponses;

  app.get(
    '/api/registry/platforms',
    {
      schema: {
        querystring: RemotePlatformsQuery,
        response: {
          200: RemotePlatforms,
          400: e400,
          401: e401,
          404: e404,
          500: e500,
          502: e502,
          504: e502,
        },
      },
    },
    async (request) => {
      let remote;
      try {
        remote = await app.registryLookup.inspect(parseRef(request.query.ref));
      } catch (err) {
        if (err instanceof RegistryError) {
          throw new AppError(STATUS[err.kind], `registry_${err.kind}`, err.message);
        }
        throw err;
      }
      const badge = await app.emulators.runBadges();
      return {
        reference: remote.reference,
        mediaType: remote.mediaType,
        digest: remote.digest,
        multiArch: remote.multiArch,
        platforms: remote.platforms.map((p) => {
          const platform = entryPlatform(p);
          return {
            platform,
            os: p.os,
            architecture: p.architecture,
            variant: p.variant,
            digest: p.digest,
            size: p.size,
            ...badge(platform),
          };
        }),
      };
    },
  );
};

export default registry;
