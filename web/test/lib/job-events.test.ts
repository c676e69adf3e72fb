import { describe, expect, it } from 'vitest';
import type { PullJob } from '@archdeck/shared';
import { furtherPull } from '@/features/images/api/get-pull-events';
import { newer as newerJob } from '@/lib/job-events';

const newer = (streamed: PullJob, snapshot: PullJob) => newerJob(streamed, snapshot, furtherPull);

const job = (state: PullJob['state'], current: number): PullJob => ({
  id: 'j1',
  ref: 'busybox:1.36',
  platform: 'linux/arm64',
  state,
  layers: [],
  current,
  total: 100,
  startedAt: '2026-06-15T12:00:00Z',
  finishedAt: state === 'running' ? null : '2026-06-15T12:01:00Z',
  error: null,
  imageId: null,
  archTag: null,
});

describe('newer: of a streamed state and a snapshot of one pull, the one further along', () => {
  it('takes the one with more bytes while both run', () => {
    expect(newer(job('running', 10), job('running', 40)).current).toBe(40);
    expect(newer(job('running', 40), job('running', 10)).current).toBe(40);
  });

  it('keeps the stream on a tie', () => {
    const streamed = job('running', 10);
    expect(newer(streamed, job('running', 10))).toBe(streamed);
  });

  it('never goes back from a finished state, whichever side has it', () => {
    expect(newer(job('succeeded', 100), job('running', 100)).state).toBe('succeeded');
    expect(newer(job('running', 90), job('failed', 20)).state).toBe('failed');
    expect(newer(job('cancelled', 5), job('succeeded', 100)).state).toBe('cancelled');
  });

  it('keeps the stream while both run when the job has no measure of progress', () => {
    const streamed = job('running', 10);
    expect(newerJob(streamed, job('running', 40))).toBe(streamed);
    expect(newerJob(streamed, job('interrupted', 0)).state).toBe('interrupted');
  });
});
