import { describe, expect, it } from 'vitest';
import type { LaunchJob, PullJob } from '@archdeck/shared';
import { shown } from '@/features/containers/components/launches-panel';

const NOW = Date.parse('2026-12-06T12:00:00Z');
const ago = (minutes: number) => new Date(NOW - minutes * 60_000).toISOString();

function launch(
  id: string,
  state: LaunchJob['state'],
  {
    image = 'busybox:1.36',
    platform = 'linux/arm64',
    endedMinutesAgo = 1,
    containerId = null as string | null,
  } = {},
): LaunchJob {
  return {
    id,
    state,
    startedAt: ago(endedMinutesAgo + 1),
    finishedAt: state === 'running' ? null : ago(endedMinutesAgo),
    error: state === 'running' ? null : 'it failed',
    request: { image, platform },
    platform,
    pull: { id: `p${id}`, state: 'running' } as PullJob,
    containerId,
  };
}

describe('which launches the Containers page shows (newest first)', () => {
  it('every running one, and one that ended lately without a container', () => {
    const list = [
      launch('a', 'running'),
      launch('b', 'failed', { image: 'alpine:3' }),
      launch('c', 'interrupted', { image: 'debian:12' }),
    ];
    expect(shown(list, NOW).map((l) => l.id)).toEqual(['a', 'b', 'c']);
  });

  it('not a success, a cancel, one with a container, or one ended long ago', () => {
    const list = [
      launch('a', 'succeeded', { containerId: 'c1' }),
      launch('b', 'cancelled', { image: 'alpine:3' }),
      launch('c', 'failed', { image: 'debian:12', containerId: 'c2' }),
      launch('d', 'failed', { image: 'ubuntu:24.04', endedMinutesAgo: 16 }),
    ];
    expect(shown(list, NOW)).toEqual([]);
  });

  it('a failure is replaced by a later run of the same image and platform', () => {
    const list = [
      launch('again', 'succeeded', { containerId: 'c1' }),
      launch('first', 'failed'),
      launch('other-arch', 'failed', { platform: 'linux/s390x' }),
    ];
    expect(shown(list, NOW).map((l) => l.id)).toEqual(['other-arch']);
  });
});
