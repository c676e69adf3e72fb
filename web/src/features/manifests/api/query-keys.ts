export const manifestKeys = {
  all: ['manifests'] as const,
  /** The daemon's manifest list drafts, with their images as podman has them now. */
  list: () => [...manifestKeys.all, 'list'] as const,
  /** Push jobs running or finished recently. */
  pushes: () => [...manifestKeys.all, 'pushes'] as const,
};
