import { useQuery } from '@tanstack/react-query';
import type { Host, HostsKey } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { hostsKeys } from './query-keys';

/** Every host, this machine first; server events (kind `host`) refetch it. */
export const useHosts = () =>
  useQuery({
    queryKey: hostsKeys.list(),
    queryFn: ({ signal }) => api.get<Host[]>('/api/hosts', { signal }),
  });

/** archdeck's own SSH public key, generated once in its data dir. */
export const useHostsKey = () =>
  useQuery({
    queryKey: hostsKeys.key(),
    queryFn: ({ signal }) => api.get<HostsKey>('/api/hosts/key', { signal }),
    staleTime: Infinity,
  });
