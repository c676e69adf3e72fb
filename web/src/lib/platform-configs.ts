import { queryOptions, useQuery } from '@tanstack/react-query';
import type { PlatformConfigs } from '@archdeck/shared';
import { api } from './api-client';
import { remotePlatformKeys } from './remote-platforms';

/*
 * A reference's platform configs side by side (GET /api/registries/configs), opened from the
 * platform list of the Pull and Run dialogs. Keyed under the registry lookup: the same
 * reference, the same reasons to ask again.
 */
const platformConfigKeys = {
  detail: (ref: string) => [...remotePlatformKeys.all, 'configs', ref] as const,
};

const getPlatformConfigs = (ref: string, signal?: AbortSignal) =>
  api.get<PlatformConfigs>(`/api/registries/configs?ref=${encodeURIComponent(ref)}`, { signal });

export const usePlatformConfigs = (ref: string) =>
  useQuery(
    queryOptions({
      queryKey: platformConfigKeys.detail(ref),
      queryFn: ({ signal }) => getPlatformConfigs(ref, signal),
      staleTime: 60_000,
      // Like the lookup: the daemon has waited for the registry already.
      retry: false,
    }),
  );
