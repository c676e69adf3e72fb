import { describe, expect, it } from 'vitest';
import { normalizePlatform } from '../../src/images/pulls.js';

describe('normalizePlatform', () => {
  it.each([
    ['linux/arm64/v8', 'linux/arm64'],
    ['linux/arm64', 'linux/arm64'],
    ['linux/aarch64', 'linux/arm64'],
    ['LINUX/AARCH64/v8', 'linux/arm64'],
    ['linux/arm/v7', 'linux/arm/v7'],
    ['linux/armhf', 'linux/arm'],
    ['linux/amd64', 'linux/amd64'],
    ['linux/x86_64/v2', 'linux/amd64/v2'],
    ['linux/i686', 'linux/386'],
    ['linux/ppc64le', 'linux/ppc64le'],
    ['linux/s390x', 'linux/s390x'],
    ['linux/riscv64', 'linux/riscv64'],
    // Variants are lower case in every index: a request in capitals means the same one.
    ['linux/arm/V7', 'linux/arm/v7'],
  ])('%s → %s', (input, expected) => {
    expect(normalizePlatform(input)).toBe(expected);
  });

  it.each(['arm64', 'linux', 'windows/amd64', 'linux/arm64/v7', 'linux/arm/', 'linux/sparc64'])(
    'refuses %s',
    (input) => {
      expect(() => normalizePlatform(input)).toThrow(/Unknown platform/);
    },
  );
});
