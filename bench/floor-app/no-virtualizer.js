// Stand-in when web/ depends on no virtualizer yet: the same shape, no rows.
export function useVirtualizer() {
  return { getTotalSize: () => 0, getVirtualItems: () => [] };
}
