/**
 * A push cut by a daemon that was killed leaves its list in podman, where a list without the
 * host's platform breaks every image listing (podman 4.3). The next daemon removes it once
 * podman answers. The list here has the host's platform (amd64), so that podman's listing,
 * shared with other test runs, never breaks while this test runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PushJob } from '@archdeck/shared';
import { startDaemon, testDaemonArgs } from '../daemon.js';
import { pushListName } from '../../src/manifests/pushes.js';
import { env, ownName, podman, removeTags } from '../builds/helpers.js';

let dataDir: string;
let contextDir: string;
const tag = `${ownName('leftover')}:1`;
const jobId = randomBytes(16).toString('hex');

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'archdeck-pushjobs-'));
  contextDir = await mkdtemp(join(tmpdir(), 'archdeck-pushjobs-context-'));
  await writeFile(join(contextDir, 'Containerfile'), 'FROM scratch\nCOPY probe /probe\n');
  await writeFile(
    join(contextDir, 'probe'),
    await readFile(new URL('../../probes/bin/probe-amd64', import.meta.url)),
  );
  await podman('build', '--platform', 'linux/amd64', '--no-cache', '-t', tag, contextDir);
  await podman('manifest', 'create', pushListName(jobId), `containers-storage:${tag}`);
  // The record a daemon killed mid-push leaves: the job still running.
  const running: PushJob = {
    id: jobId,
    state: 'running',
    startedAt: new Date().toISOString(),
    finishedAt: null,
    error: null,
    manifestId: randomBytes(16).toString('hex'),
    name: `${env.registry}/archdeck-buildtest/leftover:1`,
    images: 1,
    copied: 0,
    output: [],
    pushed: null,
  };
  await mkdir(join(dataDir, 'jobs'), { recursive: true, mode: 0o700 });
  await writeFile(join(dataDir, 'jobs', 'pushes.json'), JSON.stringify([running]), {
    mode: 0o600,
  });
});
afterAll(async () => {
  await podman('manifest', 'rm', pushListName(jobId)).catch(() => undefined);
  await removeTags([tag]);
  await rm(dataDir, { recursive: true, force: true });
  await rm(contextDir, { recursive: true, force: true });
});

describe('a daemon restart during a push', () => {
  it('lists the push as interrupted and removes the list it left in podman', async () => {
    await podman('manifest', 'exists', pushListName(jobId));
    const daemon = await startDaemon(testDaemonArgs(dataDir));
    try {
      const pushes = (await (await daemon.api('/api/manifests/pushes')).json()) as PushJob[];
      expect(pushes.find((p) => p.id === jobId)).toMatchObject({
        state: 'interrupted',
        error: expect.stringMatching(/archdeck stopped.*retry/),
      });
      await expect
        .poll(
          () =>
            podman('manifest', 'exists', pushListName(jobId)).then(
              () => true,
              () => false,
            ),
          { timeout: 30_000, interval: 500 },
        )
        .toBe(false);
      // Only the list: its image stays.
      await podman('image', 'exists', tag);
    } finally {
      await daemon.stop();
    }
  });
});
