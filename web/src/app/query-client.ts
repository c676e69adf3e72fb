import { MutationCache, QueryCache, QueryClient, matchMutation } from '@tanstack/react-query';
import { signedOut, type SessionState } from '@/features/auth/api/get-session';
import { authKeys } from '@/features/auth/api/query-keys';
import { buildKeys } from '@/features/builds/api/query-keys';
import { containerKeys } from '@/features/containers/api/query-keys';
import { emulatorKeys } from '@/features/emulators/api/query-keys';
import { hostKeys } from '@/features/host/api/query-keys';
import { imageKeys } from '@/features/images/api/query-keys';
import { ApiRequestError, isUnauthorized } from '@/lib/api-client';
import { cpuModelKeys } from '@/lib/cpu-models';
import { remotePlatformKeys } from '@/lib/remote-platforms';

export function createQueryClient(): QueryClient {
  // Any request can find the session gone (cookie expired, daemon restarted with a new
  // token). Marking the session signed-out in one place makes the shell show the login.
  const signOutOn401 = (error: unknown) => {
    if (isUnauthorized(error)) {
      client.setQueryData<SessionState>(authKeys.session, signedOut(error));
    }
  };

  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: signOutOn401 }),
    mutationCache: new MutationCache({
      onError: signOutOn401,
      // Features do not know each other: a change to binfmt_misc made on the Emulators page
      // also changes what the Host page reports (entry count, problems) and which images and
      // containers can run (their native/emulated/unavailable badges, the registry's platforms,
      // the presets' platforms, which platforms can build; the qemu whose CPU models are
      // offered), so they are told here.
      onSuccess: (_data, _variables, _context, mutation) => {
        if (matchMutation({ mutationKey: emulatorKeys.changes() }, mutation)) {
          void client.invalidateQueries({ queryKey: hostKeys.all });
          void client.invalidateQueries({ queryKey: imageKeys.all });
          void client.invalidateQueries({ queryKey: remotePlatformKeys.all });
          void client.invalidateQueries({ queryKey: containerKeys.all });
          void client.invalidateQueries({ queryKey: buildKeys.platforms() });
          void client.invalidateQueries({ queryKey: cpuModelKeys.all });
        }
      },
    }),
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
