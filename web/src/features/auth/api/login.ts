import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { Session, SessionLogin } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { authKeys } from './query-keys';

/** Exchanges the daemon's token for its HttpOnly session cookie. */
const login = (body: SessionLogin) => api.post<Session>('/api/session', body);

export const useLogin = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (session) => {
      queryClient.setQueryData(authKeys.session, session);
      // Whatever failed with 401 before signing in can succeed now.
      void queryClient.invalidateQueries({
        predicate: (query) => query.queryKey[0] !== authKeys.session[0],
      });
    },
  });
};
