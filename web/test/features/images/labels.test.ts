import { describe, expect, it } from 'vitest';
import type { ImageSummary } from '@archdeck/shared';
import { compareImages, imageName } from '@/features/images/components/labels';

/** The fields naming and ordering read; the rest do not matter here. */
const image = (tag: string | null, platform: string, shortId = 'a1b2c3d4e5f6') => {
  const [os, architecture, variant = null] = platform.split('/');
  return {
    shortId,
    repoTags: tag ? [tag] : [],
    os,
    architecture,
    variant,
    platform,
  } as ImageSummary;
};

describe('imageName', () => {
  it('is the first tag, else untagged and the short id', () => {
    expect(imageName(image('busybox:1.36', 'linux/amd64'))).toBe('busybox:1.36');
    expect(imageName(image(null, 'linux/amd64'))).toBe('<untagged> a1b2c3d4e5f6');
  });
});

describe('compareImages', () => {
  it('keeps the architectures of one reference together, by platform, untagged last', () => {
    const images = [
      image(null, 'linux/amd64', '000000000000'),
      image('busybox:1.36-arm-v7', 'linux/arm/v7'),
      image('alpine:3', 'linux/amd64'),
      image('busybox:1.36', 'linux/amd64'),
      image('busybox:1.36-s390x', 'linux/s390x'),
      image('busybox:1.36-arm64', 'linux/arm64'),
      image('busybox:1.37', 'linux/amd64'),
    ];
    expect(images.sort(compareImages).map((i) => i.repoTags[0] ?? i.shortId)).toEqual([
      'alpine:3',
      'busybox:1.36',
      'busybox:1.36-arm-v7',
      'busybox:1.36-arm64',
      'busybox:1.36-s390x',
      'busybox:1.37',
      '000000000000',
    ]);
  });

  it('takes off only the suffix of the image’s own architecture', () => {
    // A tag that merely ends like another architecture keeps it.
    expect(
      compareImages(image('tool:v1-arm64', 'linux/amd64'), image('tool:v1', 'linux/amd64')),
    ).toBeGreaterThan(0);
  });

  it('takes off arm64 for arm64/v8, and the bare architecture of a variant', () => {
    // archdeck tags by the platform asked for: linux/arm gives `-arm`, whatever variant came.
    const sorted = [
      image('busybox:1.37', 'linux/amd64'),
      image('busybox:1.36-arm64', 'linux/arm64/v8'),
      image('busybox:1.36-arm', 'linux/arm/v7'),
    ].sort(compareImages);
    expect(sorted.map((i) => i.repoTags[0])).toEqual([
      'busybox:1.36-arm',
      'busybox:1.36-arm64',
      'busybox:1.37',
    ]);
  });
});
