import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ProblemAction } from '@archdeck/shared';
import { api } from '@/lib/api-client';

/** The daemon's endpoint for each fix it can apply itself, and what its button says. */
export const problemActions: Record<ProblemAction, { label: string; run: () => Promise<unknown> }> =
  {
    'mount-binfmt': {
      label: 'Mount binfmt_misc',
      run: () => api.post('/api/emulators/mount'),
    },
    'register-emulators': {
      label: 'Register emulators',
      run: () => api.post('/api/emulators/register-all', {}),
    },
  };

/** Applies a problem's fix; everything is refetched after, since a fix changes what runs. */
export const useFixProblem = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: ProblemAction) => problemActions[action].run(),
    onSuccess: () => queryClient.invalidateQueries(),
  });
};
