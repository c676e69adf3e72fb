import type { ImageSummary, JobState } from '@archdeck/shared';
import type { Tone } from '@/components/badge';

export const pullStateTone: Record<JobState, Tone> = {
  running: 'neutral',
  succeeded: 'ok',
  failed: 'error',
  interrupted: 'error',
  cancelled: 'warning',
};

/** What a person calls the image: its first tag, else `<untagged> 1a2b3c4d5e6f`. */
export function imageName(image: ImageSummary): string {
  return image.repoTags[0] ?? `<untagged> ${image.shortId}`;
}

/**
 * The order the list shows images in: by repository and tag with archdeck's per-architecture
 * suffix (`:1.36-arm64`) taken off, then by platform, so the architectures of one reference
 * sit next to each other. Untagged images come last.
 */
export function compareImages(a: ImageSummary, b: ImageSummary): number {
  const key = (image: ImageSummary) => {
    const tag = image.repoTags[0];
    if (!tag) return `\uffff${image.shortId}`;
    const suffix = image.variant ? `-${image.architecture}-${image.variant}` : '';
    for (const end of [suffix, `-${image.architecture}`]) {
      if (end && tag.endsWith(end)) return tag.slice(0, -end.length);
    }
    return tag;
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
