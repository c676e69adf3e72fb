import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import {
  RegistryTags,
  RegistryTagsQuery,
  RemotePlatforms,
  RemotePlatformsQuery,
  errorResponses,
} from '@archdeck/shared';
import { AppError } from '../../lib/errors.js';
import { parseRef } from '../../images/pulls.js';
import type { ImageReference } from '../../images/reference.js';
import {
  inspectRemote,
  listTags,
  registryOptions,
  RegistryError,
  type RegistryErrorKind,
  type RegistryOptions,
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
async function fromRegistry<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof RegistryError) {
      throw new AppError(STATUS[err.kind], `registry_${err.kind}`, err.message);
    }
    throw err;
  }
}

const { 400: e400, 401: e401, 404: e404, 500: e500, 502: e502 } = errorResponses;
/** What a route that reads a registry answers besides its 200. */
export const registryFailures = {
  400: e400,
  401: e401,
  404: e404,
  500: e500,
  502: e502,
  504: e502,
};

/**
 * One read of the registry that the request's `ref` names, with the registries marked insecure
 * in registries.conf (read on every request: it may change, and it is small), given up when the
 * client leaves; a failure becomes our error body.
 */
export async function readRegistry<T>(
  app: FastifyInstance,
  request: { query: { ref: string }; closed: AbortSignal },
  read: (ref: ImageReference, opts: RegistryOptions) => Promise<T>,
): Promise<T> {
  const ref = parseRef(request.query.ref);
  const opts = await registryOptions(app.config.registriesConf, { signal: request.closed });
  return fromRegistry(read(ref, opts));
}

const registry: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/registry/platforms',
    {
      schema: {
        querystring: RemotePlatformsQuery,
        response: { 200: RemotePlatforms, ...registryFailures },
      },
    },
    async (request) => {
      const remote = await readRegistry(app, request, inspectRemote);
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
    {
      schema: {
        querystring: RegistryTagsQuery,
        response: { 200: RegistryTags, ...registryFailures },
      },
    },
    (request) => readRegistry(app, request, listTags),
  );
};

export default registry;
