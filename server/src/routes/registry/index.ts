import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { readFile } from 'node:fs/promises';
import {
  PlatformConfigs,
  RemotePlatforms,
  RemotePlatformsQuery,
  errorResponses,
} from '@archdeck/shared';
import { AppError } from '../../lib/errors.js';
import { parseRef } from '../../images/pulls.js';
import { compareConfigs } from '../../images/config-diff.js';
import type { ImageReference } from '../../images/reference.js';
import {
  inspectRemote,
  readImageConfigs,
  readInsecureRegistries,
  RegistryError,
  type RegistryErrorKind,
  type RegistryOptions,
  type RemotePlatformEntry,
} from '../../images/registry-client.js';
import { formatPlatform } from '../../images/platform.js';

const STATUS: Record<RegistryErrorKind, number> = {
  not_found: 404,
  unauthorized: 401,
  unreachable: 502,
  tls: 502,
  timeout: 504,
  bad_response: 502,
  too_large: 502,
};

const platformOf = (p: RemotePlatformEntry) =>
  formatPlatform({ os: p.os, arch: p.architecture, variant: p.variant });

const registry: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 401: e401, 404: e404, 500: e500, 502: e502 } = errorResponses;
  const failures = { 400: e400, 401: e401, 404: e404, 500: e500, 502: e502, 504: e502 };

  /** Asks the registry `ref` names, with the registries marked insecure in registries.conf. */
  const fromRegistry = async <T>(
    text: string,
    read: (ref: ImageReference, opts: RegistryOptions) => Promise<T>,
  ): Promise<T> => {
    const ref = parseRef(text);
    // Read on every request: registries.conf may change, and it is small.
    const conf = await readFile(app.config.registriesConf, 'utf8').catch(() => '');
    try {
      return await read(ref, { insecureRegistries: readInsecureRegistries(conf) });
    } catch (err) {
      if (err instanceof RegistryError) {
        throw new AppError(STATUS[err.kind], `registry_${err.kind}`, err.message);
      }
      throw err;
    }
  };

  app.get(
    '/api/registry/platforms',
    {
      schema: {
        querystring: RemotePlatformsQuery,
        response: { 200: RemotePlatforms, ...failures },
      },
    },
    async (request) => {
      const remote = await fromRegistry(request.query.ref, inspectRemote);
      const badge = await app.emulators.runBadges();
      return {
        reference: remote.reference,
        mediaType: remote.mediaType,
        digest: remote.digest,
        multiArch: remote.multiArch,
        platforms: remote.platforms.map((p) => {
          const platform = platformOf(p);
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
    '/api/registry/configs',
    {
      schema: {
        querystring: RemotePlatformsQuery,
        response: { 200: PlatformConfigs, ...failures },
      },
    },
    async (request) => {
      const { image, configs, skipped } = await fromRegistry(request.query.ref, readImageConfigs);
      const badge = await app.emulators.runBadges();
      const rows = compareConfigs(configs);
      return {
        reference: image.reference,
        digest: image.digest,
        multiArch: image.multiArch,
        platforms: configs.map(({ entry }) => ({
          platform: platformOf(entry),
          digest: entry.digest,
          ...badge(platformOf(entry)),
        })),
        rows,
        differences: rows.filter((r) => r.differs).length,
        skipped,
      };
    },
  );
};

export default registry;
