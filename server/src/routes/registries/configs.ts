import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PlatformConfigs, RemotePlatformsQuery } from '@archdeck/shared';
import { compareConfigs } from '../../images/config-diff.js';
import { formatPlatform } from '../../images/platform.js';
import { readPlatformConfigs } from '../../images/registry-configs.js';
import { readRegistry, registryFailures } from '../../images/registry-read.js';

/** A reference's platforms side by side: each one's image config, field by field. */
const configs: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/registries/configs',
    {
      schema: {
        querystring: RemotePlatformsQuery,
        response: { 200: PlatformConfigs, ...registryFailures },
      },
    },
    async (request) => {
      const { image, configs, skipped } = await readRegistry(
        app.config.registriesConf,
        request.query.ref,
        request.closed,
        readPlatformConfigs,
      );
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
