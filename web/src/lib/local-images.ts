import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ImageSummary } from '@archdeck/shared';
import { api } from './api-client';

/*
 * The local image list is the Images feature's endpoint, but a manifest list is made from local
 * images too (Manifests), so the query lives here rather than in either feature. Its key sits
 * under the Images feature's `['images']`: image events and emulator changes refresh it there.
 */
export const localImagesKey = ['images', 'list'] as const;

const getImages = (signal?: AbortSignal) => api.get<ImageSummary[]>('/api/images', { signal });

// No interval: podman's image events reach the app's event stream, which invalidates this.
const getImagesQueryOptions = () =>
  queryOptions({
    queryKey: localImagesKey,
    queryFn: ({ signal }) => getImages(signal),
  });

/** Local images: what `podman images` would show, one row per architecture. */
export const useLocalImages = () => useQuery(getImagesQueryOptions());
