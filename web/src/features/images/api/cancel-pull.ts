import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { imageKeys } from './query-keys';

/** Stops a running pull; its stream then ends with the job `cancelled`. */
const cancelPull = (id: string) => api.delete<void>(`/api/pulls/${encodeURIComponent(id)}`);

export const useCancelPull = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelPull,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: imageKeys.pulls() }),
  });
};
