import { queryOptions, useQuery } from '@tanstack/react-query';
import type { Preset } from '@archdeck/shared';
import { api } from '@/lib/api-client';
import { containerKeys } from './query-keys';

/** Ready-made containers, each with the platforms this host can run it as (native last). */
const getPresets = (signal?: AbortSignal) => api.get<Preset[]>('/api/presets', { signal });

const getPresetsQueryOptions = () =>
  queryOptions({
    queryKey: containerKeys.presets(),
    queryFn: ({ signal }) => getPresets(signal),
  });

export const usePresets = () => useQuery(getPresetsQueryOptions());
