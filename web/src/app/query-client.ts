import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import type { Session } from '@archdeck/shared';
import { authKeys } from '@/features/auth/api/query-keys';
import { ApiRequestError, isUnauthorized } from '@/lib/api-client';

export function createQueryClient(): QueryClient {
  // Any request can find the session gone (cookie expired, daemon restarted with a new
  // token). Marking the session signed-out in one place makes the shell show the login.
  const signOutOn401 = (error: unknown) => {
    if (isUnauthorized(error)) {
      client.setQueryData<Session>(authKeys.session, { authenticated: false });
    }
  };

  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: signOutOn401 }),
    mutationCache: new MutationCache({ onError: signOutOn401 }),
    defaultOptions: {
      queries: {
        // A 4xx will answer the same way again; only a flaky connection or 5xx is worth retrying.
        retry: (failureCount, error) =>
          failureCount < 2 &&
          !(error instanceof ApiRequestError && error.status >= 400 && error.status < 500),
      },
    },
  });
  return client;
}
