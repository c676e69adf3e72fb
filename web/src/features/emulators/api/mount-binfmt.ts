import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/** Mounts binfmt_misc at the daemon's binfmt root. */
export const mountBinfmt = () => api.post<void>('/api/emulators/mount');

export const useMountBinfmt = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.changes(),
    mutationFn: mountBinfmt,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.all }),
  });
};
