import { queryOptions, useQuery } from '@tanstack/react-query';
import type { RegistryTags } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { registryKeys } from './query-keys';

/** Every tag of a repository, read where a pull would read it (the daemon follows the pages). */
const getTags = (repository: string, signal?: AbortSignal) =>
  api.get<RegistryTags>(`/api/registries/tags?ref=${encodeURIComponent(repository)}`, { signal });

const getTagsQueryOptions = (repository: string) =>
  queryOptions({
    queryKey: registryKeys.tags(repository),
    queryFn: ({ signal }) => getTags(repository, signal),
    // Tags change when someone pushes, not while the drawer is open.
    staleTime: 60_000,
    // A 502 or 504 means the daemon waited on the registry already; Try again is one click.
    retry: false,
  });

/** Asked only once `enabled`: the user wants them, and the registry may be slow or far. */
export const useTags = (repository: string, enabled: boolean) =>
  useQuery({ ...getTagsQueryOptions(repository), enabled });
