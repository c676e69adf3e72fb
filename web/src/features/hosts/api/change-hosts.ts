import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Host, HostCreate } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { hostsKeys } from './query-keys';

const hostPath = (id: string) => `/api/hosts/${encodeURIComponent(id)}`;

/** Every request that changes the hosts; pass one to `useHostsChange`. */
export const hostsChanges = {
  /** Reads the key the host presents; the host stays unconfirmed. */
  add: (body: HostCreate) => api.post<Host>('/api/hosts', body),
  /** Pins the fingerprint the user compared with the host's own; archdeck connects then. */
  confirm: ({ id, fingerprint }: { id: string; fingerprint: string }) =>
    api.post<Host>(`${hostPath(id)}/confirm`, { fingerprint }),
  remove: (id: string) => api.delete<void>(hostPath(id)),
};

export function useHostsChange<TData, TVariables>(
  request: (variables: TVariables) => Promise<TData>,
) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: request,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: hostsKeys.list() }),
  });
}
