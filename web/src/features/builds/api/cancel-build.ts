import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { buildKeys } from './query-keys';

/** Stops a running build (every platform of it); its stream then ends with `cancelled`. */
const cancelBuild = (id: string) => api.delete<void>(`/api/builds/${encodeURIComponent(id)}`);

export const useCancelBuild = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelBuild,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: buildKeys.list() }),
  });
};
