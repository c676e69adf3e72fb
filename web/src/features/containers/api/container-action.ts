import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ContainerAction } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { containerKeys } from './query-keys';

interface ContainerActionRequest {
  id: string;
  action: ContainerAction;
  /** A stop's seconds from SIGTERM to SIGKILL; the daemon's default (10) when left out. */
  timeout?: number;
}

/** Idempotent: starting a running container or stopping a stopped one answers 204 too. */
const containerAction = ({ id, action, timeout }: ContainerActionRequest) =>
  api.post<void>(
    `/api/containers/${encodeURIComponent(id)}/${action}${timeout === undefined ? '' : `?timeout=${timeout}`}`,
  );

const useContainerAction = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: containerAction,
    // Returning the refetch keeps the button busy until the new state shows.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: containerKeys.all }),
  });
};

/**
 * One mutation per action, so each button is busy on its own and none waits for another: a
 * stop can take its whole timeout, and a kill is what one reaches for meanwhile.
 */
export function useContainerActions() {
  const start = useContainerAction();
  const stop = useContainerAction();
  const restart = useContainerAction();
  const kill = useContainerAction();
  const all = { start, stop, restart, kill };
  const failed = Object.values(all).find((mutation) => mutation.isError) ?? null;
  return {
    ...all,
    /** The failed one, to show its error; cleared when it is tried again. */
    failed,
  };
}
