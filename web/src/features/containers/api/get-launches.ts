import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LaunchJob } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { containerKeys } from './query-keys';

/** The daemon's launches (runs whose image it pulls first), newest first. */
const getLaunches = (signal?: AbortSignal) => api.get<LaunchJob[]>('/api/launches', { signal });

// No interval: the daemon's `launch` events reach the app's event stream, which invalidates it.
export const useLaunches = () =>
  useQuery(
    queryOptions({
      queryKey: containerKeys.launches(),
      queryFn: ({ signal }) => getLaunches(signal),
    }),
  );

/** Stops a launch; the pull stops with it unless somebody else waits for it. */
export const useCancelLaunch = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/launches/${encodeURIComponent(id)}`),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: containerKeys.launches() }),
  });
};
