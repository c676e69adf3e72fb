import { useMutation } from '@tanstack/react-query';
import { ELF_HEAD_BYTES, type ElfReport } from '@archdeck/shared';
import { api } from '@/lib/api-client';

/** Asks the daemon what the kernel would do if asked to execute this file. */
const inspectElf = (file: Blob) => api.post<ElfReport>('/api/elf', file.slice(0, ELF_HEAD_BYTES));

// A mutation rather than a query: each file is a one-off question, nothing to cache or refetch.
export const useInspectElf = () => useMutation({ mutationFn: inspectElf });
