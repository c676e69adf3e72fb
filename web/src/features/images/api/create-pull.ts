import { useMutation, useQueryClient } from '@tanstack/react-query';
import { createPull } from '@/lib/pull-progress';
import { imageKeys } from './query-keys';

/**
 * Starts pulling a reference for one platform (`POST /api/pulls`; the fetcher lives in
 * `lib/pull-progress.ts` because running a container pulls first too).
 */
export const useCreatePull = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createPull,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: imageKeys.pulls() }),
  });
};
