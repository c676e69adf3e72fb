import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { RegisterAllResult } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/** Registers every installed interpreter whose platform has no handler yet. */
export const registerAllEmulators = () =>
  api.post<RegisterAllResult>('/api/emulators/register-all', {});

export const useRegisterAllEmulators = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.changes(),
    mutationFn: registerAllEmulators,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.all }),
  });
};
