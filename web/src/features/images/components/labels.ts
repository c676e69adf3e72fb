import { archSuffix, type ImageSummary } from '@archdeck/shared';
import type { LocalImage } from '@/lib/run-target';

/** What a person calls the image: its first tag, else `<untagged> 1a2b3c4d5e6f`. */
export function imageName(image: ImageSummary): string {
  return image.repoTags[0] ?? `<untagged> ${image.shortId}`;
}

/**
 * A tag without archdeck's per-architecture suffix: `busybox:1.36-arm64` → `busybox:1.36`. The
 * bare architecture too: an image pulled as linux/arm whose config says arm/v7 is tagged `-arm`.
 */
function withoutArchSuffix(image: ImageSummary, tag: string): string {
  for (const end of new Set([`-${archSuffix(image.platform)}`, `-${image.architecture}`])) {
    if (tag.endsWith(end)) return tag.slice(0, -end.length);
  }
  return tag;
}

/**
 * The order the list shows images in: by repository and tag with archdeck's per-architecture
 * suffix (`:1.36-arm64`) taken off, then by platform, so the architectures of one reference
 * sit next to each other. Untagged images come last.
 */
export function compareImages(a: ImageSummary, b: ImageSummary): number {
  const key = (image: ImageSummary) => {
    const tag = image.repoTags[0];
    return tag ? withoutArchSuffix(image, tag) : `\uffff${image.shortId}`;
  };
  return key(a).localeCompare(key(b)) || a.platform.localeCompare(b.platform);
}

/**
 * The repository whose registry can list tags for an image named `name`, or null: podman names
 * images built or imported on this host `localhost/…`, and there is no registry to ask.
 */
export function registryRepository(name: string | null): string | null {
  return name === null || name.startsWith('localhost/') ? null : name;
}

/**
 * The image as the Run dialog takes it, or null when nothing names it (no tag, no digest).
 * Its tag is given without archdeck's arch suffix: the registry knows `busybox:1.36`, and the
 * daemon finds this image for "busybox:1.36 as arm64" by its arch tag, wherever the plain tag
 * has moved since.
 */
export function runTarget(image: ImageSummary): LocalImage | null {
  const tag = image.repoTags[0];
  const reference = tag ? withoutArchSuffix(image, tag) : image.repoDigests[0];
  if (!reference) return null;
  return {
    reference,
    platform: {
      platform: image.platform,
      os: image.os,
      architecture: image.architecture,
      variant: image.variant,
      digest: '',
      size: image.size,
      ...image.badge,
    },
  };
}

/** Why an image cannot be run from its row, or null. */
export const runBlocked = (image: ImageSummary) =>
  runTarget(image) ? null : 'Nothing names this image: tag it first (podman tag)';
