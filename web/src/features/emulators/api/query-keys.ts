export const emulatorKeys = {
  all: ['emulators'] as const,
  list: () => [...emulatorKeys.all, 'list'] as const,
  /**
   * The mutation key of everything that changes binfmt_misc or binfmt.d. The app layer keys on
   * it to refresh what other features show about the kernel (the Host page's health).
   */
  changes: () => [...emulatorKeys.all, 'change'] as const,
  /** The mutation key of smoke tests, so every Test button knows one is running. */
  smokeTests: () => [...emulatorKeys.all, 'smoke-test'] as const,
};
