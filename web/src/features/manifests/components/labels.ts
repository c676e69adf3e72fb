import type { ImageSummary } from '@archdeck/shared';

/** What a person calls a local image: its first tag, else `<untagged> 1a2b3c4d5e6f`. */
export const imageLabel = (image: ImageSummary) =>
  image.repoTags[0] ?? `<untagged> ${image.shortId}`;
