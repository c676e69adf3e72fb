import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RegisterRequest } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/** Registers an installed qemu-user interpreter for a platform; answers with the entry's name. */
export const registerEmulator = (body: RegisterRequest) =>
  api.post<{ name: string }>('/api/emulators', body);

export const useRegisterEmulator = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.changes(),
    mutationFn: registerEmulator,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.all }),
  });
};
