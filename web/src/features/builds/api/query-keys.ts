export const buildKeys = {
  all: ['builds'] as const,
  /** Build jobs the daemon runs or ran recently, whichever tab started them. */
  list: () => [...buildKeys.all, 'list'] as const,
  /** What building for each platform would do on this host (it changes with the emulators). */
  platforms: () => [...buildKeys.all, 'platforms'] as const,
};
