import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ContainerSummary } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { containerKeys } from './query-keys';

/** Every container podman knows, running or not. */
const getContainers = (signal?: AbortSignal) =>
  api.get<ContainerSummary[]>('/api/containers', { signal });

// No interval: podman's container events reach the app's event stream, which invalidates this.
const getContainersQueryOptions = () =>
  queryOptions({
    queryKey: containerKeys.list(),
    queryFn: ({ signal }) => getContainers(signal),
  });

export const useContainers = () => useQuery(getContainersQueryOptions());
