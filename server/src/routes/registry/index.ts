import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  RegistryTags,
  RegistryTagsQuery,
  RemotePlatforms,
  RemotePlatformsQuery,
} from '@archdeck/shared';
import { readRegistry, registryFailures } from '../../images/registry-read.js';
import { inspectRemote, listTags } from '../../images/registry-client.js';

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
      const remote = await readRegistry(
        app.config.registriesConf,
        request.query.ref,
        request.closed,
        inspectRemote,
      );
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
    (request) =>
      readRegistry(app.config.registriesConf, request.query.ref, request.closed, listTags),
  );
};

export default registry;
