/**
 * Whether this host can build for a platform, and what will happen: a RUN step runs as the
 * target platform, so a foreign one needs a binfmt_misc handler usable inside containers (the
 * F flag, a static interpreter). podman 4.3 has no binfmt knowledge of its own (that came in
 * 4.8's `host.emulatedArchitectures`), so archdeck's reading of binfmt_misc decides.
 */
import type { BuildPlatformPlan, Emulators } from '@archdeck/shared';
import { archForPlatform } from '../emulators/platforms.js';

/** The plan for one (normalised) platform, from the emulators' state as read now. */
export function planPlatform(emulators: Emulators, platform: string): BuildPlatformPlan {
  const base = archForPlatform(platform)?.platform ?? platform;
  if (emulators.summary.native.includes(base)) {
    return {
      platform,
      run: 'native',
      emulatedBy: null,
      reason: `Native: RUN steps for ${platform} use this host’s CPU.`,
    };
  }
  const summary = emulators.platforms.find((p) => p.platform === base);
  const handlers = emulators.entries.filter((e) => e.platform === base);
  const ready = handlers.find((e) => e.verdict === 'container-ready');
  if (ready) {
    return {
      platform,
      run: 'emulated',
      emulatedBy: ready.name,
      reason: `Emulated: RUN steps for ${platform} run through ${ready.name}, more slowly than natively. Stages FROM --platform=$BUILDPLATFORM run natively.`,
    };
  }
  // The handler closest to working says what is missing (an F flag, a static build).
  const order = ['host-only', 'broken', 'shadowing', 'disabled'];
  const best = [...handlers].sort((a, b) => order.indexOf(a.verdict) - order.indexOf(b.verdict))[0];
  const reason = best
    ? `RUN steps for ${platform} cannot run: ${best.verdictReason}`
    : summary && summary.installations.length > 0
      ? `RUN steps for ${platform} cannot run: no emulator is registered for it. Register ${summary.installations[0]} with the F flag on the Emulators page.`
      : `RUN steps for ${platform} cannot run: no qemu emulator for it is installed (apt-get install -y qemu-user-static), then register it on the Emulators page.`;
  return { platform, run: 'unavailable', emulatedBy: null, reason };
}

/** Every OCI platform qemu-user knows, planned: the host's own first, then native, emulated. */
export function planAll(emulators: Emulators): BuildPlatformPlan[] {
  const plans = emulators.platforms.map((p) => planPlatform(emulators, p.platform));
  const rank = (p: BuildPlatformPlan) =>
    p.platform === emulators.hostPlatform ? -1 : { native: 0, emulated: 1, unavailable: 2 }[p.run];
  return plans.sort((a, b) => rank(a) - rank(b) || a.platform.localeCompare(b.platform));
}
