import { queryOptions, useQuery } from '@tanstack/react-query';
import type { BuildJob } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { buildKeys } from './query-keys';

/** Running and recently finished builds. A build belongs to the daemon, not to the tab. */
const getBuilds = (signal?: AbortSignal) => api.get<BuildJob[]>('/api/builds', { signal });

// The app's event stream invalidates this when a build starts or ends; progress in between
// comes from each build's own stream (get-build-events.ts).
const getBuildsQueryOptions = () =>
  queryOptions({
    queryKey: buildKeys.list(),
    queryFn: ({ signal }) => getBuilds(signal),
  });

export const useBuilds = () => useQuery(getBuildsQueryOptions());
