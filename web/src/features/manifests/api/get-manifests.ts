import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ManifestList } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { manifestKeys } from './query-keys';

const getManifests = (signal?: AbortSignal) =>
  api.get<ManifestList[]>('/api/manifests', { signal });

// Invalidated by the app's event stream: `manifest` changes, and `image` ones (an entry's image
// removed or retagged).
const getManifestsQueryOptions = () =>
  queryOptions({
    queryKey: manifestKeys.list(),
    queryFn: ({ signal }) => getManifests(signal),
  });

export const useManifests = () => useQuery(getManifestsQueryOptions());
