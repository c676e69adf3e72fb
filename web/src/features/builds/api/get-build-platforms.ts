import { queryOptions, useQuery } from '@tanstack/react-query';
import type { BuildPlatformPlan } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { buildKeys } from './query-keys';

/** Every platform, with whether its RUN steps run natively, emulated, or not at all, and why. */
const getBuildPlatforms = (signal?: AbortSignal) =>
  api.get<BuildPlatformPlan[]>('/api/builds/platforms', { signal });

const getBuildPlatformsQueryOptions = () =>
  queryOptions({
    queryKey: buildKeys.platforms(),
    queryFn: ({ signal }) => getBuildPlatforms(signal),
  });

export const useBuildPlatforms = () => useQuery(getBuildPlatformsQueryOptions());
