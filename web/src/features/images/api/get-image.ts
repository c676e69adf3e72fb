import { queryOptions, useQuery } from '@tanstack/react-query';
import type { ImageDetail } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { imageKeys } from './query-keys';

/** Everything skopeo knows about one local image, plus its run config and history. */
const getImage = (id: string, signal?: AbortSignal) =>
  api.get<ImageDetail>(`/api/images/${encodeURIComponent(id)}`, { signal });

const getImageQueryOptions = (id: string) =>
  queryOptions({
    queryKey: imageKeys.detail(id),
    queryFn: ({ signal }) => getImage(id, signal),
  });

export const useImage = (id: string) => useQuery(getImageQueryOptions(id));
