import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SmokeTestResult } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/** Tests every native and container-ready platform that has a probe, one after another. */
const testAllEmulators = () => api.post<SmokeTestResult[]>('/api/emulators/test-all');

export const useTestAllEmulators = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.smokeTests(),
    mutationFn: testAllEmulators,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.list() }),
  });
};
