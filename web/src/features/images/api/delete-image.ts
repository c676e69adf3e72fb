import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { imageKeys } from './query-keys';

/** Removes a local image; the daemon answers 409 while a container uses it. */
const deleteImage = (id: string) => api.delete<void>(`/api/images/${encodeURIComponent(id)}`);

export const useDeleteImage = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: deleteImage,
    onSuccess: (_data, id) => {
      queryClient.removeQueries({ queryKey: imageKeys.detail(id) });
      // Returning the refetch keeps the button busy until the row is gone.
      return queryClient.invalidateQueries({ queryKey: imageKeys.list() });
    },
  });
};
