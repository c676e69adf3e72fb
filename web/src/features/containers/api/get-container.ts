import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ContainerSummary } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { containerKeys } from './query-keys';

const getContainer = (id: string, signal?: AbortSignal) =>
  api.get<ContainerSummary>(`/api/containers/${encodeURIComponent(id)}`, { signal });

const getContainerQueryOptions = (id: string) =>
  queryOptions({
    queryKey: containerKeys.detail(id),
    queryFn: ({ signal }) => getContainer(id, signal),
  });

export const useContainer = (id: string) => useQuery(getContainerQueryOptions(id));
