/**
 * Arch-safe local tags. Pulling `busybox:1.36` for s390x after arm64 moves the tag to the
 * s390x image and leaves the arm64 one untagged (podman keeps one image per tag). archdeck
 * therefore also tags every pulled image `<repo>:<tag>-<arch>[-<variant>]`, so each
 * architecture of a reference stays listed and runnable side by side, and "run <ref> as
 * <arch>" can find the right one.
 */
import { archSuffix } from '@archdeck/shared';
import { formatReference, type ImageReference } from './reference.js';

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
