import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/** Writes the live handler to /etc/binfmt.d/<name>.conf, so systemd-binfmt registers it at boot. */
export const persistEmulator = (name: string) =>
  api.put<void>(`/api/emulators/${encodeURIComponent(name)}/persist`);

export const usePersistEmulator = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.changes(),
    mutationFn: persistEmulator,
    // Returning the refetch keeps the control busy until the page shows the kernel's new state.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.all }),
  });
};
