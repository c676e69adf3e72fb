import type { ImageSummary, PullState, RunBadge } from '@archdeck/shared';
import type { Tone } from '@/components/badge';

/**
 * How this host runs a platform. Emulated is green like native: it works, only slower. The
 * wording is lowercase on purpose: it reads as the answer "runs: native" and matches the API.
 */
export function runLabel(
  badge: RunBadge,
  platform: string,
): { tone: Tone; label: string; explanation: string } {
  switch (badge.run) {
    case 'native':
      return {
        tone: 'ok',
        label: 'native',
        explanation: `This host’s CPU runs ${platform} itself.`,
      };
    case 'emulated':
      return {
        tone: 'ok',
        label: `emulated via ${badge.emulatedBy ?? 'qemu-user'}`,
        explanation: `The kernel hands ${platform} binaries to ${badge.emulatedBy ?? 'a qemu-user emulator'}: it runs, more slowly than natively.`,
      };
    case 'unavailable':
      return {
        tone: 'error',
        label: 'unavailable',
        explanation: `No container-ready emulator for ${platform} is registered: its containers fail with “exec format error”. Register one on the Emulators page.`,
      };
  }
}

export const pullStateTone: Record<PullState, Tone> = {
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

/** `sha256:9f2c…` → `9f2c3a1b4d5e`: the id podman prints. */
export const shortDigest = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);
