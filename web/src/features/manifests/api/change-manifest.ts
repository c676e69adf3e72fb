import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { CreateManifestRequest, ManifestList } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { manifestKeys } from './query-keys';

const path = (id: string) => `/api/manifests/${encodeURIComponent(id)}`;

/** A draft from local images, one per platform (`POST /api/manifests`). */
const createManifest = (body: CreateManifestRequest) =>
  api.post<ManifestList>('/api/manifests', body);

/** One more image (`POST /api/manifests/:id/entries`). */
const addEntry = ({ id, image }: { id: string; image: string }) =>
  api.post<ManifestList>(`${path(id)}/entries`, { image });

/** One image less (`DELETE /api/manifests/:id/entries/:imageId`). */
const removeEntry = ({ id, imageId }: { id: string; imageId: string }) =>
  api.delete<ManifestList>(`${path(id)}/entries/${encodeURIComponent(imageId)}`);

/** The draft goes; what was pushed stays in its registry (`DELETE /api/manifests/:id`). */
const deleteManifest = (id: string) => api.delete<void>(path(id));

function useManifestMutation<V, R>(mutationFn: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: manifestKeys.list() }),
  });
}

export const useCreateManifest = () => useManifestMutation(createManifest);
export const useAddManifestEntry = () => useManifestMutation(addEntry);
export const useRemoveManifestEntry = () => useManifestMutation(removeEntry);
export const useDeleteManifest = () => useManifestMutation(deleteManifest);
