import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/** Unregisters a handler from the kernel (writes -1 to its binfmt_misc file). */
export const removeEmulator = (name: string) =>
  api.delete<void>(`/api/emulators/${encodeURIComponent(name)}`);

export const useRemoveEmulator = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.changes(),
    mutationFn: removeEmulator,
    // Returning the refetch keeps the control busy until the page shows the kernel's new state.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.all }),
  });
};
