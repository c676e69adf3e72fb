/**
 * A build across a daemon restart, with the daemon run as users run it (its own process): a
 * build that was running when the daemon was killed is listed afterwards as interrupted, each
 * platform too; the daemon held podman's build connection, so podman's build ended with it and
 * no image appears; and the context it kept is swept.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildJob } from '@archdeck/shared';
import { startDaemon, testDaemonArgs } from '../daemon.js';
import { contextTar, multiArchBase, ownName, podman, workingContainers } from './helpers.js';

let dataDir: string;
let base: string;

const daemonArgs = () => testDaemonArgs(dataDir);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'archdeck-buildjobs-'));
  base = await multiArchBase();
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('a daemon restart during a build', () => {
  it('lists the build as interrupted, and podman’s build stops with the daemon', async () => {
    const name = ownName('restart');
    const before = new Set(await workingContainers());
    const first = await startDaemon(daemonArgs());
    let job: BuildJob;
    let ours: string[];
    try {
      const res = await first.api(
        `/api/builds?${new URLSearchParams({ tag: `${name}:1`, platforms: 'linux/arm64,linux/s390x' })}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-tar' },
          body: contextTar({ Containerfile: `FROM ${base}\nRUN sleep 5\nRUN touch /done\n` }),
        },
      );
      expect(res.status).toBe(202);
      job = (await res.json()) as BuildJob;
      // Both platforms are in their RUN step when the daemon dies.
      await expect
        .poll(
          async () => {
            const now = (await (await first.api(`/api/builds/${job.id}`)).json()) as BuildJob;
            return now.platforms.map((p) => p.step ?? '');
          },
          { timeout: 30_000 },
        )
        .toEqual([expect.stringMatching(/RUN sleep/), expect.stringMatching(/RUN sleep/)]);
      ours = (await workingContainers()).filter((id) => !before.has(id));
      expect(ours.length).toBeGreaterThanOrEqual(2);
      expect((await stat(join(dataDir, 'jobs', 'builds.json'))).mode & 0o777).toBe(0o600);
      first.proc.kill('SIGKILL');
    } finally {
      await first.stop();
    }

    const second = await startDaemon(daemonArgs());
    try {
      const listed = (await (await second.api('/api/builds')).json()) as BuildJob[];
      const again = listed.find((j) => j.id === job.id);
      expect(again).toMatchObject({
        tag: `${name}:1`,
        state: 'interrupted',
        error: expect.stringMatching(/archdeck stopped.*retry/),
      });
      expect(again?.platforms.map((p) => p.state)).toEqual(['interrupted', 'interrupted']);
      const events = await (await second.api(`/api/builds/${job.id}/events`)).text();
      expect(events).toMatch(/event: end\ndata: .*"state":"interrupted"/);
      // The context the first daemon kept is gone.
      expect((await readdir(join(dataDir, 'builds'))).filter((n) => n.endsWith('.tar'))).toEqual(
        [],
      );
    } finally {
      await second.stop();
    }
    // podman's builds ended with the connection: once their RUN step was over (buildah 1.28
    // does not signal it), their working containers went and nothing was committed.
    await expect
      .poll(workingContainers, { timeout: 30_000, interval: 500 })
      .toSatisfy((ids: string[]) => ours.every((id) => !ids.includes(id)));
    for (const arch of ['arm64', 's390x']) {
      await expect(podman('image', 'exists', `${name}:1-${arch}`)).rejects.toThrow();
    }
  });
});
