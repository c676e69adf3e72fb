import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ImageSummary } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { imageKeys } from './query-keys';

const getImages = (signal?: AbortSignal) => api.get<ImageSummary[]>('/api/images', { signal });

// No interval: podman's image events reach the app's event stream, which invalidates this.
const getImagesQueryOptions = () =>
  queryOptions({
    queryKey: imageKeys.list(),
    queryFn: ({ signal }) => getImages(signal),
  });

export const useImages = () => useQuery(getImagesQueryOptions());
