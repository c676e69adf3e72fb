import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/** Turns a handler off without unregistering it (writes 0 to its binfmt_misc file). */
export const disableEmulator = (name: string) =>
  api.post<void>(`/api/emulators/${encodeURIComponent(name)}/disable`);

export const useDisableEmulator = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.changes(),
    mutationFn: disableEmulator,
    // Returning the refetch keeps the control busy until the page shows the kernel's new state.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.all }),
  });
};
