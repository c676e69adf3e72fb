import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Session } from '@archdeck/shared';
import { api, isUnauthorized } from '@/lib/api-client';
import { authKeys } from './query-keys';

// A 401 here is an answer, not a failure: it is what decides to show the login prompt.
async function getSession(signal?: AbortSignal): Promise<Session> {
  try {
    return await api.get<Session>('/api/session', { signal });
  } catch (error) {
    if (isUnauthorized(error)) return { authenticated: false };
    throw error;
  }
}

const getSessionQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.session,
    queryFn: ({ signal }) => getSession(signal),
  });

export const useSession = () => useQuery(getSessionQueryOptions());
