import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PlatformConfigs, RemotePlatformsQuery, errorResponses } from '@archdeck/shared';
import { parseRef } from '../../images/pulls.js';
import { compareConfigs } from '../../images/config-diff.js';
import { formatPlatform } from '../../images/platform.js';
import { readPlatformConfigs } from '../../images/registry-configs.js';
import { registryOptions } from '../../images/registry-client.js';
import { fromRegistry } from '../registry/index.js';

/** A reference's platforms side by side: each one's image config, field by field. */
const configs: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 401: e401, 404: e404, 500: e500, 502: e502 } = errorResponses;
  const failures = { 400: e400, 401: e401, 404: e404, 500: e500, 502: e502, 504: e502 };

  app.get(
    '/api/registries/configs',
    {
      schema: {
        querystring: RemotePlatformsQuery,
        response: { 200: PlatformConfigs, ...failures },
      },
    },
    async (request) => {
      const ref = parseRef(request.query.ref);
      const opts = await registryOptions(app.config.registriesConf, { signal: request.closed });
      const { image, configs, skipped } = await fromRegistry(readPlatformConfigs(ref, opts));
      const badge = await app.emulators.runBadges();
      const rows = compareConfigs(configs);
      return {
        reference: image.reference,
        digest: image.digest,
        multiArch: image.multiArch,
        platforms: configs.map(({ entry }) => {
          const platform = formatPlatform({
            os: entry.os,
            arch: entry.architecture,
            variant: entry.variant,
          });
          return { platform, digest: entry.digest, ...badge(platform) };
        }),
        rows,
        differences: rows.filter((r) => r.differs).length,
        skipped,
      };
    },
  );
};

export default configs;
