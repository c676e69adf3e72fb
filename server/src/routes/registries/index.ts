import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  PlatformConfigs,
  RegistriesView,
  RegistryLogin,
  RegistryLoginParams,
  RegistryLoginResult,
  RegistryTags,
  RegistryTagsQuery,
  RemotePlatforms,
  RemotePlatformsQuery,
  errorResponses,
  registryErrorResponses,
} from '@archdeck/shared';
import { formatReference } from '../../images/reference.js';
import { entryPlatform } from '../../registries/registry-client.js';
import { compareConfigs } from '../../registries/config-diff.js';

const registries: FastifyPluginAsyncTypebox = async (app) => {
  const { 400: e400, 404: e404, 500: e500 } = errorResponses;

  /** The platforms of the image a reference stands for, each with whether this host runs it. */
  app.get(
    '/api/registries/platforms',
    {
      schema: {
        querystring: RemotePlatformsQuery,
        response: { 200: RemotePlatforms, 400: e400, 500: e500, ...registryErrorResponses },
      },
    },
    async (request) => {
      const { remote, resolution, source } = await app.registries.inspect(request.query.ref, {
        signal: request.closed,
      });
      const badge = await app.emulators.runBadges();
      return {
        reference: remote.reference,
        resolution:
          resolution.rationale === 'qualified'
            ? null
            : {
                input: resolution.input,
                rationale: resolution.rationale,
                source: resolution.source,
                candidates: resolution.candidates.map(formatReference),
              },
        source,
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

  /** The platforms of a reference side by side: each one's image config, field by field. */
  app.get(
    '/api/registries/configs',
    {
      schema: {
        querystring: RemotePlatformsQuery,
        response: { 200: PlatformConfigs, 400: e400, 500: e500, ...registryErrorResponses },
      },
    },
    async (request) => {
      const { image, configs, skipped } = await app.registries.configs(request.query.ref, {
        signal: request.closed,
      });
      const badge = await app.emulators.runBadges();
      const rows = compareConfigs(configs);
      return {
        reference: image.reference,
        digest: image.digest,
        multiArch: image.multiArch,
        platforms: configs.map(({ entry }) => {
          const platform = entryPlatform(entry);
          return { platform, digest: entry.digest, ...badge(platform) };
        }),
        rows,
        differences: rows.filter((r) => r.differs).length,
        skipped,
      };
    },
  );

  /** A repository's tags, every page, from where a pull by tag would read them. */
  app.get(
    '/api/registries/tags',
    {
      schema: {
        querystring: RegistryTagsQuery,
        response: { 200: RegistryTags, 400: e400, 500: e500, ...registryErrorResponses },
      },
    },
    (request) => app.registries.tags(request.query.ref, { signal: request.closed }),
  );

  app.get('/api/registries', { schema: { response: { 200: RegistriesView, 500: e500 } } }, () =>
    app.registries.list(),
  );

  /** Checks the credentials against the registry and stores them where podman reads them. */
  app.post(
    '/api/registries/login',
    {
      schema: {
        body: RegistryLogin,
        response: { 200: RegistryLoginResult, 400: e400, 500: e500, ...registryErrorResponses },
      },
    },
    (request) => app.registries.login(request.body, request.closed),
  );

  app.delete(
    '/api/registries/login/:registry',
    {
      schema: {
        params: RegistryLoginParams,
        response: { 204: Type.Null(), 400: e400, 404: e404, 500: e500 },
      },
    },
    async (request, reply) => {
      await app.registries.logout(request.params.registry);
      return reply.code(204).send(null);
    },
  );
};

export default registries;
