import { queryOptions, useQuery } from '@tanstack/react-query';
import type { RegistryTags } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { imageKeys } from './query-keys';

/** Every tag of a repository, as its registry lists them (the daemon follows the pages). */
const getRegistryTags = (repository: string, signal?: AbortSignal) =>
  api.get<RegistryTags>(`/api/registry/tags?ref=${encodeURIComponent(repository)}`, { signal });

const getRegistryTagsQueryOptions = (repository: string) =>
  queryOptions({
    queryKey: imageKeys.registryTags(repository),
    queryFn: ({ signal }) => getRegistryTags(repository, signal),
    // Tags change when someone pushes, not while the drawer is open.
    staleTime: 60_000,
    // A 502 or 504 means the daemon waited on the registry already; Try again is one click.
    retry: false,
  });

/** Asked only once `enabled`: the user wants them, and the registry may be slow or far. */
export const useRegistryTags = (repository: string, enabled: boolean) =>
  useQuery({ ...getRegistryTagsQueryOptions(repository), enabled });
