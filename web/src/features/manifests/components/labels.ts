import type { ImageSummary } from '@archdeck/shared';

/** What a person calls a local image: its first tag, else `<untagged> 1a2b3c4d5e6f`. */
export const imageLabel = (image: ImageSummary) =>
  image.repoTags[0] ?? `<untagged> ${image.shortId}`;

/** Two platforms a list could not tell apart: arm64's `v8` is its only variant (OCI). */
export function samePlatform(a: string, b: string): boolean {
  const canonical = (p: string) => p.replace(/^(linux\/arm64)\/v8$/, '$1');
  return canonical(a) === canonical(b);
}
