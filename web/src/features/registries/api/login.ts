import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { RegistryLogin, RegistryLoginResult } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { remotePlatformKeys } from '@/lib/remote-platforms';
import { registryKeys } from './query-keys';

/** Checks a login against the registry; the daemon stores it where podman reads it. */
const login = (body: RegistryLogin) => api.post<RegistryLoginResult>('/api/registries/login', body);

/** After a login or logout: the list, and lookups a login may now answer (or no longer). */
export const refreshAfterLogin = (queryClient: QueryClient) => {
  void queryClient.invalidateQueries({ queryKey: remotePlatformKeys.all });
  return queryClient.invalidateQueries({ queryKey: registryKeys.all });
};

export const useRegistryLogin = () => {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: login, onSuccess: () => refreshAfterLogin(queryClient) });
};
