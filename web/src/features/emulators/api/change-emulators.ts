import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RegisterAllResult, RegisterRequest } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

const entryPath = (name: string) => `/api/emulators/${encodeURIComponent(name)}`;

/** Every request that changes binfmt_misc or /etc/binfmt.d; pass one to `useEmulatorChange`. */
export const emulatorChanges = {
  /** Mounts binfmt_misc at the daemon's binfmt root. */
  mount: () => api.post<void>('/api/emulators/mount'),
  /** Registers an installed qemu-user interpreter for a platform; answers with the entry's name. */
  register: (body: RegisterRequest) => api.post<{ name: string }>('/api/emulators', body),
  /** Registers every installed interpreter whose platform has no handler yet. */
  registerAll: () => api.post<RegisterAllResult>('/api/emulators/register-all', {}),
  /** Turns a registered handler on (writes 1 to its binfmt_misc file). */
  enable: (name: string) => api.post<void>(`${entryPath(name)}/enable`),
  /** Turns a handler off without unregistering it (writes 0 to its binfmt_misc file). */
  disable: (name: string) => api.post<void>(`${entryPath(name)}/disable`),
  /** Unregisters a handler from the kernel (writes -1 to its binfmt_misc file). */
  remove: (name: string) => api.delete<void>(entryPath(name)),
  /** Writes the live handler to /etc/binfmt.d/<name>.conf, so systemd-binfmt registers it at boot. */
  persist: (name: string) => api.put<void>(`${entryPath(name)}/persist`),
  /** Removes /etc/binfmt.d/<name>.conf; the live handler stays until reboot. */
  unpersist: (name: string) => api.delete<void>(`${entryPath(name)}/persist`),
};

/**
 * A mutation running one of `emulatorChanges`, e.g. `useEmulatorChange(emulatorChanges.enable)`.
 * Each control gets its own, so each is busy and fails on its own.
 */
export function useEmulatorChange<TData, TVariables = void>(
  request: (variables: TVariables) => Promise<TData>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.changes(),
    mutationFn: request,
    // Returning the refetch keeps the control busy until the page shows the kernel's new state.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.all }),
  });
}
