/** The labels archdeck puts on what it creates in podman, read back by the lists. */

/** The platform a container was asked to run as, and the reference it was run from. */
export const PLATFORM_LABEL = 'io.archdeck.platform';
export const IMAGE_LABEL = 'io.archdeck.image';
/** The emulated CPU model (QEMU_CPU) it was run with; absent for qemu's default. */
export const CPU_LABEL = 'io.archdeck.cpu';
/**
 * The daemon's own probe images and containers (smoke tests, the check that containers can
 * start): machinery, not the user's, so the lists leave them out.
 */
export const PROBE_LABEL = 'io.archdeck.probe';

/** Where the probe images live: `localhost/archdeck-probe:<arch>`. */
export const PROBE_REPO = 'localhost/archdeck-probe';
