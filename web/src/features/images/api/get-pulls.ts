import { queryOptions, useQuery } from '@tanstack/react-query';
import type { PullJob } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { imageKeys } from './query-keys';

/** Running and recently finished pulls. A pull belongs to the daemon, not to the tab. */
const getPulls = (signal?: AbortSignal) => api.get<PullJob[]>('/api/pulls', { signal });

// The app's event stream invalidates this when a pull starts or ends; progress in between
// comes from each pull's own stream (get-pull-events.ts), not from refetching this.
const getPullsQueryOptions = () =>
  queryOptions({
    queryKey: imageKeys.pulls(),
    queryFn: ({ signal }) => getPulls(signal),
  });

export const usePulls = () => useQuery(getPullsQueryOptions());
