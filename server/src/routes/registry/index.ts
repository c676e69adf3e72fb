import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  RegistryTags,
  RegistryTagsQuery,
  RemotePlatforms,
  RemotePlatformsQuery,
  errorResponses,
} from '@archdeck/shared';
import { AppError } from '../../lib/errors.js';
import { parseRef } from '../../images/pulls.js';
import {
  inspectRemote,
  listTags,
  registryOptions,
  RegistryError,
  type RegistryErrorKind,
} from '../../images/registry-client.js';

const STATUS: Record<RegistryErrorKind, number> = {
  not_found: 404,
  unauthorized: 401,
  unreachable: 502,
  tls: 502,
  timeout: 504,
  bad_response: 502,
  too_large: 502,
};

/** A registry's failure as our error body: its kind is the code, its message carries the fix. */
export async function fromRegistry<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof RegistryError) {
      throw new AppError(STATUS[err.kind], `registry_${err.kind}`, err.message);
    }
    throw err;
  }
}

const registry: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 401: e401, 404: e404, 500: e500, 502: e502 } = errorResponses;
  const failures = { 400: e400, 401: e401, 404: e404, 500: e500, 502: e502, 504: e502 };

  app.get(
    '/api/registry/platforms',
    {
      schema: {
        querystring: RemotePlatformsQuery,
        response: { 200: RemotePlatforms, ...failures },
      },
    },
    async (request) => {
      const ref = parseRef(request.query.ref);
      const opts = await registryOptions(app.config.registriesConf, { signal: request.closed });
      const remote = await fromRegistry(inspectRemote(ref, opts));
      const badge = await app.emulators.runBadges();
      return {
        reference: remote.reference,
        mediaType: remote.mediaType,
        digest: remote.digest,
        multiArch: remote.multiArch,
        platforms: remote.platforms.map((p) => {
          const platform = [p.os, p.architecture, p.variant].filter(Boolean).join('/');
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

  app.get(
    '/api/registry/tags',
    { schema: { querystring: RegistryTagsQuery, response: { 200: RegistryTags, ...failures } } },
    async (request) => {
      const ref = parseRef(request.query.ref);
      const opts = await registryOptions(app.config.registriesConf, { signal: request.closed });
      return fromRegistry(listTags(ref, opts));
    },
  );
};

export default registry;
