import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { containerKeys } from './query-keys';

const removeContainer = (id: string) =>
  api.delete<void>(`/api/containers/${encodeURIComponent(id)}`);

export const useRemoveContainer = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: removeContainer,
    // Returning the refetch keeps the button busy until the row is gone. The removed one's
    // detail is left to expire: its page may still be open, showing the last known state.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: containerKeys.list() }),
  });
};
