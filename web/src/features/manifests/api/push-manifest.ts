import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { PushJob } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { manifestKeys } from './query-keys';

/** Publishes a draft to its registry: the push job (the running one, if there is one). */
const pushManifest = (id: string) =>
  api.post<PushJob>(`/api/manifests/${encodeURIComponent(id)}/push`);

/** Stops a running push; podman's list is removed all the same. */
const cancelPush = (id: string) =>
  api.delete<void>(`/api/manifests/pushes/${encodeURIComponent(id)}`);

export const usePushManifest = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: pushManifest,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: manifestKeys.pushes() }),
  });
};

export const useCancelPush = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: cancelPush,
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: manifestKeys.pushes() }),
  });
};
