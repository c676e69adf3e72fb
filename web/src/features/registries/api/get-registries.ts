import { queryOptions, useQuery } from '@tanstack/react-query';
import type { RegistriesView } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { registryKeys } from './query-keys';

const getRegistries = (signal?: AbortSignal) =>
  api.get<RegistriesView>('/api/registries', { signal });

// Files the daemon does not watch: read again when the page is visited or after a login.
const getRegistriesQueryOptions = () =>
  queryOptions({
    queryKey: registryKeys.list(),
    queryFn: ({ signal }) => getRegistries(signal),
  });

export const useRegistries = () => useQuery(getRegistriesQueryOptions());
