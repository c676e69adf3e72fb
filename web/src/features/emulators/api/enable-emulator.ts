import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/** Turns a registered handler on (writes 1 to its binfmt_misc file). */
export const enableEmulator = (name: string) =>
  api.post<void>(`/api/emulators/${encodeURIComponent(name)}/enable`);

export const useEnableEmulator = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.changes(),
    mutationFn: enableEmulator,
    // Returning the refetch keeps the control busy until the page shows the kernel's new state.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.all }),
  });
};
