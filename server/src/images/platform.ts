/**
 * OCI platform strings, `os/arch[/variant]`: how one is split, written and compared. Which
 * platforms exist and which emulator runs them is emulators/platforms.ts's business.
 */

export interface PlatformParts {
  os: string;
  arch: string;
  variant: string | null;
}

/**
 * The variant as archdeck keeps it: null when absent, and null for arm64's v8. OCI says v8 is
 * arm64's only variant; podman and registries differ in whether they spell it out, so
 * `linux/arm64` and `linux/arm64/v8` must count as one platform. Case-sensitive, on the
 * architecture as given (no aliases): callers normalise spelling first if they need to.
 */
export function canonicalVariant(arch: string, variant: string | null | undefined): string | null {
  if (!variant) return null;
  return arch === 'arm64' && variant === 'v8' ? null : variant;
}

/** Splits `os/arch[/variant]`; segments past the variant are ignored. */
export function parsePlatform(platform: string): PlatformParts {
  const [os = '', arch = '', variant] = platform.split('/');
  return { os, arch, variant: canonicalVariant(arch, variant) };
}

/** `os/arch[/variant]`, leaving out empty parts. Writes the variant as given. */
export function formatPlatform(p: PlatformParts): string {
  return [p.os, p.arch, p.variant].filter(Boolean).join('/');
}
