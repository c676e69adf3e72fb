import { queryOptions, useQuery } from '@tanstack/react-query';
import type { CpuModels } from '@archdeck/shared';
import { api } from './api-client';

/*
 * The emulated CPU models of an architecture, for the Run dialog (Containers) and the container
 * page; here rather than in a feature for that reason, like the registry lookup. The daemon
 * checks them against qemu at start; an emulator change can change which qemu runs an
 * architecture, so the app layer invalidates these with the other emulator-dependent queries.
 */
export const cpuModelKeys = {
  all: ['cpu-models'] as const,
  detail: (arch: string) => [...cpuModelKeys.all, arch] as const,
};

const getCpuModels = (arch: string, signal?: AbortSignal) =>
  api.get<CpuModels>(`/api/emulators/${encodeURIComponent(arch)}/cpus`, { signal });

const getCpuModelsQueryOptions = (arch: string) =>
  queryOptions({
    queryKey: cpuModelKeys.detail(arch),
    queryFn: ({ signal }) => getCpuModels(arch, signal),
    // Checked once per qemu: a minute-old answer is as good as a new one.
    staleTime: 60_000,
  });

/** `platform` is OCI, `linux/arm/v7`; null asks nothing. */
export const useCpuModels = (platform: string | null) => {
  const arch = platform?.split('/')[1] ?? '';
  return useQuery({ ...getCpuModelsQueryOptions(arch), enabled: arch !== '' });
};
