import { queryOptions, useQuery } from '@tanstack/react-query';
import type { RemotePlatforms } from '@archdeck/shared';
import { api } from './api-client';

/*
 * The registry lookup that precedes a pull (Images) and a run (Containers), so it lives here
 * rather than in either feature. Its key is its own: the answer changes only when someone
 * pushes, or when an emulator change alters the run badges (see app/query-client.ts), and a
 * container event must not send the dialog back to the registry.
 */
export const remotePlatformKeys = {
  all: ['remote-platforms'] as const,
  detail: (ref: string) => [...remotePlatformKeys.all, ref] as const,
};

/** The platforms a registry offers for a reference, each with whether this host can run it. */
const getRemotePlatforms = (ref: string, signal?: AbortSignal) =>
  api.get<RemotePlatforms>(`/api/registries/platforms?ref=${encodeURIComponent(ref)}`, { signal });

const getRemotePlatformsQueryOptions = (ref: string) =>
  queryOptions({
    queryKey: remotePlatformKeys.detail(ref),
    queryFn: ({ signal }) => getRemotePlatforms(ref, signal),
    // Typing back to a reference asked a moment ago should not ask the registry again.
    staleTime: 60_000,
    // A 502 is the registry being unreachable or timing out: the daemon has waited already,
    // and the user is waiting in the dialog. They can ask again with Enter.
    retry: false,
  });

export const useRemotePlatforms = (ref: string) =>
  useQuery({ ...getRemotePlatformsQueryOptions(ref), enabled: ref !== '' });
