import { queryOptions, useQuery } from '@tanstack/react-query';
import type { RemotePlatforms } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { imageKeys } from './query-keys';

/** The platforms a registry offers for a reference, each with whether this host can run it. */
export const getRemotePlatforms = (ref: string, signal?: AbortSignal) =>
  api.get<RemotePlatforms>(`/api/registry/platforms?ref=${encodeURIComponent(ref)}`, { signal });

export const getRemotePlatformsQueryOptions = (ref: string) =>
  queryOptions({
    queryKey: imageKeys.remotePlatforms(ref),
    queryFn: ({ signal }) => getRemotePlatforms(ref, signal),
    // Typing back to a reference asked a moment ago should not ask the registry again.
    staleTime: 60_000,
    // A 502 is the registry being unreachable or timing out: the daemon has waited already,
    // and the user is waiting in the dialog. They can ask again with Enter.
    retry: false,
  });

export const useRemotePlatforms = (ref: string) =>
  useQuery({ ...getRemotePlatformsQueryOptions(ref), enabled: ref !== '' });
