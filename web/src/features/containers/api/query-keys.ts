/**
 * Everything here starts with `['containers']`: the app's event stream invalidates that prefix
 * whenever podman reports a container event, which refreshes the list, the open container and
 * the presets (whose platforms follow the emulators) in one go.
 */
export const containerKeys = {
  all: ['containers'] as const,
  list: () => [...containerKeys.all, 'list'] as const,
  details: () => [...containerKeys.all, 'detail'] as const,
  detail: (id: string) => [...containerKeys.details(), id] as const,
  /** The presets, each with the platforms to offer it as. */
  presets: () => [...containerKeys.all, 'presets'] as const,
  /** Runs the daemon is pulling an image for, running and recently ended. */
  launches: () => [...containerKeys.all, 'launches'] as const,
};
