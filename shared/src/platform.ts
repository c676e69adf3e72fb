/**
 * OCI platform strings, `os/arch[/variant]`: how one is split, written, compared and shown.
 * Pure functions only, used by server and web alike. Which platforms exist, their aliases
 * (aarch64, armhf) and which emulator runs them is the server's emulators/platforms.ts's
 * business.
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

/**
 * `arch[-variant]` of a platform, arm64/v8 written as arm64: the suffix of archdeck's
 * arch-safe tags (`busybox:1.36-arm-v7`). Also how the daemon checks an image against the
 * platform asked for: equal suffixes are the same image architecture (the os is not compared).
 */
export function archSuffix(platform: string): string {
  const { arch, variant } = parsePlatform(platform);
  return variant ? `${arch}-${variant}` : arch;
}

/**
 * Whether two platforms are one: same os, architecture and variant, arm64's v8 being arm64
 * without one. Unlike archSuffix the os counts: an index may list windows/amd64 next to
 * linux/amd64.
 */
export function samePlatform(a: string, b: string): boolean {
  const [x, y] = [parsePlatform(a), parsePlatform(b)];
  return x.os === y.os && x.arch === y.arch && x.variant === y.variant;
}

/**
 * The architecture part of a platform, as people say it: `linux/arm64` → `arm64`,
 * `linux/arm/v7` → `arm/v7`; other operating systems keep their name.
 */
export function archLabel(platform: string): string {
  return platform.startsWith('linux/') ? platform.slice('linux/'.length) : platform;
}
