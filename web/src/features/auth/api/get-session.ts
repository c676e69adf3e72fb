import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Session } from '@archdeck/shared';
import { ApiRequestError, api, isUnauthorized } from '@/lib/api-client';
import { authKeys } from './query-keys';

/** The session as the UI holds it: signed out, with the daemon's word on where its token is. */
export type SessionState = Session & { signInHint?: string };

/** The session after the daemon refused a request for want of one (401 `unauthorized`). */
export const signedOut = (refusal: unknown): SessionState => ({
  authenticated: false,
  signInHint: refusal instanceof ApiRequestError ? refusal.body.message : undefined,
});

// A 401 here is an answer, not a failure: it is what decides to show the login prompt.
async function getSession(signal?: AbortSignal): Promise<SessionState> {
  try {
    return await api.get<Session>('/api/session', { signal });
  } catch (error) {
    if (isUnauthorized(error)) return signedOut(error);
    throw error;
  }
}

const getSessionQueryOptions = () =>
  queryOptions({
    queryKey: authKeys.session,
    queryFn: ({ signal }) => getSession(signal),
  });

export const useSession = () => useQuery(getSessionQueryOptions());
