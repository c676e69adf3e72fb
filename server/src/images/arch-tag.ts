/**
 * Arch-safe local tags. Pulling `busybox:1.36` for s390x after arm64 moves the tag to the
 * s390x image and leaves the arm64 one untagged (podman keeps one image per tag). archdeck
 * therefore also tags every pulled image `<repo>:<tag>-<arch>[-<variant>]`, so each
 * architecture of a reference stays listed and runnable side by side, and "run <ref> as
 * <arch>" can find the right one.
 */
import { formatReference, type ImageReference } from './reference.js';

export function platformParts(platform: string): {
  os: string;
  arch: string;
  variant: string | null;
} {
  const [os = 'linux', arch = '', variant] = platform.split('/');
  // OCI says arm64's only variant is v8; podman and registries often leave it out.
  return { os, arch, variant: variant && !(arch === 'arm64' && variant === 'v8') ? variant : null };
}

export function archSuffix(platform: string): string {
  const { arch, variant } = platformParts(platform);
  return variant ? `${arch}-${variant}` : arch;
}

/** The arch-qualified reference, or null for digest references (a digest is already exact). */
export function archTagFor(
  ref: ImageReference,
  platform: string,
): { repo: string; tag: string; full: string } | null {
  if (ref.digest || !ref.tag) return null;
  const tag = `${ref.tag}-${archSuffix(platform)}`.slice(0, 128);
  const repo = formatReference({ ...ref, tag: null, digest: null });
  return { repo, tag, full: `${repo}:${tag}` };
}
