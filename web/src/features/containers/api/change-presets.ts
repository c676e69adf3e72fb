import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Preset, PresetChange, PresetInput } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { containerKeys } from './query-keys';

const presetPath = (id: string) => `/api/presets/${encodeURIComponent(id)}`;

/** Every request that changes the presets (or what is known of them); pass one to `usePresetChange`. */
export const presetChanges = {
  /** Adds a preset; a 409 says its id is taken, a 400 which field is wrong. */
  create: (body: PresetInput) => api.post<Preset>('/api/presets', body),
  /** Replaces a preset's fields; its id stays. */
  update: ({ id, change }: { id: string; change: PresetChange }) =>
    api.put<Preset>(presetPath(id), change),
  remove: (id: string) => api.delete<void>(presetPath(id)),
  /** Asks the registry again which platforms the image publishes; answers once it has. */
  check: (id: string) => api.post<Preset>(`${presetPath(id)}/check`),
};

/**
 * A mutation running one of `presetChanges`, e.g. `usePresetChange(presetChanges.remove)`.
 * Returning the refetch keeps its control busy until the list shows the change.
 */
export function usePresetChange<TData, TVariables>(
  request: (variables: TVariables) => Promise<TData>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: containerKeys.presets() }),
  });
}
