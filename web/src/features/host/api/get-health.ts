import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Health, PublicHealth } from '@archdeck/shared';
import { api, ApiRequestError } from '@/lib/api-client';
import { hostKeys } from './query-keys';

async function getHealth(signal?: AbortSignal): Promise<Health> {
  const body = await api.get<Health | PublicHealth>('/api/health', { signal });
  // Without a valid session the daemon still answers 200 with liveness only. Here that means
  // the session has ended, so it is reported like any other 401 and brings back the login.
  if (!('host' in body)) {
    throw new ApiRequestError(401, {
      code: 'unauthorized',
      message: 'Your session has ended. Sign in again to see the host.',
    });
  }
  return body;
}

// No refetch interval: the host changes rarely, and server events will invalidate this.
const getHealthQueryOptions = () =>
  queryOptions({
    queryKey: hostKeys.health(),
    queryFn: ({ signal }) => getHealth(signal),
  });

export const useHealth = () => useQuery(getHealthQueryOptions());
