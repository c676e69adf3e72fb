import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '@/lib/api-client';
import { refreshAfterLogin } from './login';

/** Removes the login archdeck stored for a registry (`podman logout`). */
const logout = (registry: string) =>
  api.delete<void>(`/api/registries/login/${encodeURIComponent(registry)}`);

export const useRegistryLogout = () => {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: logout, onSuccess: () => refreshAfterLogin(queryClient) });
};
