import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Emulators } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { emulatorKeys } from './query-keys';

const getEmulators = (signal?: AbortSignal) => api.get<Emulators>('/api/emulators', { signal });

// The kernel's handlers change behind our back (systemd-binfmt, a package install, another
// shell), so coming back to the tab always asks again. No interval: mutations invalidate.
const getEmulatorsQueryOptions = () =>
  queryOptions({
    queryKey: emulatorKeys.list(),
    queryFn: ({ signal }) => getEmulators(signal),
    staleTime: 0,
    refetchOnWindowFocus: 'always',
  });

export const useEmulators = () => useQuery(getEmulatorsQueryOptions());
