import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/** Removes /etc/binfmt.d/<name>.conf; the live handler stays until reboot. */
export const unpersistEmulator = (name: string) =>
  api.delete<void>(`/api/emulators/${encodeURIComponent(name)}/persist`);

export const useUnpersistEmulator = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.changes(),
    mutationFn: unpersistEmulator,
    // Returning the refetch keeps the control busy until the page shows the kernel's new state.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.all }),
  });
};
