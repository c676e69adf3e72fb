import { describe, expect, it } from 'vitest';
import {
  archLabel,
  archSuffix,
  canonicalVariant,
  formatPlatform,
  parsePlatform,
  samePlatform,
} from '@archdeck/shared';

// Platforms as OCI indexes list them (docker.io/library/busybox, alpine, ubuntu, golang).
const TABLE: [string, { os: string; arch: string; variant: string | null }, string][] = [
  ['linux/amd64', { os: 'linux', arch: 'amd64', variant: null }, 'amd64'],
  ['linux/amd64/v3', { os: 'linux', arch: 'amd64', variant: 'v3' }, 'amd64-v3'],
  ['linux/arm64', { os: 'linux', arch: 'arm64', variant: null }, 'arm64'],
  ['linux/arm64/v8', { os: 'linux', arch: 'arm64', variant: null }, 'arm64'],
  ['linux/arm/v7', { os: 'linux', arch: 'arm', variant: 'v7' }, 'arm-v7'],
  ['linux/arm/v6', { os: 'linux', arch: 'arm', variant: 'v6' }, 'arm-v6'],
  ['linux/arm/v5', { os: 'linux', arch: 'arm', variant: 'v5' }, 'arm-v5'],
  ['linux/386', { os: 'linux', arch: '386', variant: null }, '386'],
  ['linux/ppc64le', { os: 'linux', arch: 'ppc64le', variant: null }, 'ppc64le'],
  ['linux/s390x', { os: 'linux', arch: 's390x', variant: null }, 's390x'],
  ['linux/riscv64', { os: 'linux', arch: 'riscv64', variant: null }, 'riscv64'],
  ['linux/mips64le', { os: 'linux', arch: 'mips64le', variant: null }, 'mips64le'],
  ['linux/loong64', { os: 'linux', arch: 'loong64', variant: null }, 'loong64'],
  ['windows/amd64', { os: 'windows', arch: 'amd64', variant: null }, 'amd64'],
];

describe('parsePlatform and archSuffix', () => {
  it.each(TABLE)('%s', (platform, parts, suffix) => {
    expect(parsePlatform(platform)).toEqual(parts);
    expect(archSuffix(platform)).toBe(suffix);
  });

  it('treats an empty variant as none', () => {
    expect(parsePlatform('linux/arm/')).toEqual({ os: 'linux', arch: 'arm', variant: null });
  });

  it('reads a bare architecture as an os, as it always has', () => {
    expect(parsePlatform('arm64')).toEqual({ os: 'arm64', arch: '', variant: null });
  });
});

describe('canonicalVariant', () => {
  it.each([
    ['arm64', 'v8', null],
    ['arm64', undefined, null],
    ['arm', 'v7', 'v7'],
    ['arm', '', null],
    ['amd64', 'v2', 'v2'],
    // No aliases and no case folding: callers normalise spelling first.
    ['aarch64', 'v8', 'v8'],
    ['arm64', 'V8', 'V8'],
  ] as const)('%s %s', (arch, variant, expected) => {
    expect(canonicalVariant(arch, variant)).toBe(expected);
  });
});

describe('formatPlatform', () => {
  it('writes the variant as given and leaves out empty parts', () => {
    expect(formatPlatform({ os: 'linux', arch: 'arm', variant: 'v7' })).toBe('linux/arm/v7');
    expect(formatPlatform({ os: 'linux', arch: 'arm64', variant: 'v8' })).toBe('linux/arm64/v8');
    expect(formatPlatform({ os: 'linux', arch: 's390x', variant: null })).toBe('linux/s390x');
    expect(formatPlatform({ os: '', arch: 'arm64', variant: null })).toBe('arm64');
  });
});

describe('samePlatform', () => {
  it.each([
    ['linux/arm64', 'linux/arm64/v8', true],
    ['linux/arm64/v8', 'linux/arm64/v8', true],
    ['linux/arm/v7', 'linux/arm/v7', true],
    ['linux/amd64', 'linux/amd64', true],
    ['linux/arm/v7', 'linux/arm/v6', false],
    ['linux/arm/v7', 'linux/arm', false],
    ['linux/amd64', 'linux/amd64/v3', false],
    // The os counts, unlike archSuffix: an index may list both.
    ['linux/amd64', 'windows/amd64', false],
    ['linux/arm64', 'linux/aarch64', false],
  ] as const)('%s and %s: %s', (a, b, expected) => {
    expect(samePlatform(a, b)).toBe(expected);
    expect(samePlatform(b, a)).toBe(expected);
  });
});

describe('archLabel', () => {
  it.each([
    ['linux/arm64', 'arm64'],
    ['linux/arm/v7', 'arm/v7'],
    ['linux/arm64/v8', 'arm64/v8'],
    ['windows/amd64', 'windows/amd64'],
  ])('%s → %s', (platform, label) => {
    expect(archLabel(platform)).toBe(label);
  });
});
