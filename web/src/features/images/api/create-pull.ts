import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PullJob, PullRequest } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { imageKeys } from './query-keys';

/**
 * Starts pulling a reference for one platform. The daemon answers at once with the job (the
 * running one, when that reference and platform are already being pulled).
 */
const createPull = (body: PullRequest) => api.post<PullJob>('/api/pulls', body);

export const useCreatePull = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createPull,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() }),
  });
};
