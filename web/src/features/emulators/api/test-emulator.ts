import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SmokeTestResult } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

/**
 * Runs the probe for one architecture (`arm64`, `ppc64le`, ...) in a FROM-scratch container.
 * A failed test is a result with `passed: false`; an error means it could not run at all.
 */
const testEmulator = (arch: string) =>
  api.post<SmokeTestResult>(`/api/emulators/${encodeURIComponent(arch)}/test`);

export const useTestEmulator = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationKey: emulatorKeys.smokeTests(),
    mutationFn: testEmulator,
    // The daemon keeps the last result per architecture; the page shows it from the list.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: emulatorKeys.list() }),
  });
};
