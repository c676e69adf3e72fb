import { describe, expect, it } from 'vitest';
import { formatBytes, formatDateTime, formatRelativeTime, shortDigest } from '@/lib/format';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KiB'],
    [1536, '1.5 KiB'],
    [1024 ** 2 - 1, '1024.0 KiB'],
    [1024 ** 2, '1.0 MiB'],
    [5.25 * 1024 ** 3, '5.3 GiB'],
    [1024 ** 4, '1.0 TiB'],
    [3 * 1024 ** 5, '3072.0 TiB'],
  ])('%d bytes is %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('formatRelativeTime', () => {
  const now = Date.parse('2026-06-15T12:00:00Z');
  const ago = (seconds: number) => new Date(now - seconds * 1000).toISOString();

  it.each([
    [0, 'just now'],
    [9, 'just now'],
    [-9, 'just now'],
    [10, '10 seconds ago'],
    [59, '59 seconds ago'],
    [60, '1 minute ago'],
    [119, '1 minute ago'],
    [3 * 3600, '3 hours ago'],
    [-2 * 3600, 'in 2 hours'],
    [24 * 3600, 'yesterday'],
    [3 * 24 * 3600, '3 days ago'],
    [8 * 24 * 3600, 'last week'],
    [45 * 24 * 3600, 'last month'],
    [2 * 365 * 24 * 3600, '2 years ago'],
  ])('%d s before now is %s', (seconds, text) => {
    expect(formatRelativeTime(ago(seconds), now)).toBe(text);
  });

  it('gives back what is not a time', () => {
    expect(formatRelativeTime('never', now)).toBe('never');
    expect(formatDateTime('never')).toBe('never');
  });
});

describe('shortDigest', () => {
  it('is the first 12 hex digits, with or without the algorithm', () => {
    const hex = '9f2c3a1b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8';
    expect(shortDigest(`sha256:${hex}`)).toBe('9f2c3a1b4d5e');
    expect(shortDigest(hex)).toBe('9f2c3a1b4d5e');
  });
});
