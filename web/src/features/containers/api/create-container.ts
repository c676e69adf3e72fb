import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ContainerSummary, RunRequest } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { containerKeys } from './query-keys';

/**
 * Creates and starts a container. The daemon pulls the image first if it is missing, and then
 * answers only when that pull is done; the UI pulls beforehand itself to show progress.
 */
const createContainer = (body: RunRequest) => api.post<ContainerSummary>('/api/containers', body);

export const useCreateContainer = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createContainer,
    onSuccess: (container) => {
      // The container page opens next: it can show the answer at once.
      queryClient.setQueryData(containerKeys.detail(container.id), container);
      void queryClient.invalidateQueries({ queryKey: containerKeys.list() });
    },
  });
};
