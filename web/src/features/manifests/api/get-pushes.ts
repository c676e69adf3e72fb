import { queryOptions, useQuery } from '@tanstack/react-query';
import type { PushJob } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { manifestKeys } from './query-keys';

const getPushes = (signal?: AbortSignal) => api.get<PushJob[]>('/api/manifests/pushes', { signal });

// Invalidated when a push starts or ends (the app's event stream); its progress in between
// comes from its own stream (get-push-events.ts).
const getPushesQueryOptions = () =>
  queryOptions({
    queryKey: manifestKeys.pushes(),
    queryFn: ({ signal }) => getPushes(signal),
  });

export const usePushes = () => useQuery(getPushesQueryOptions());
