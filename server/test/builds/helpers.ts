/**
 * What the build and manifest tests share: podman's CLI on the test service (to run and check
 * what was built), build contexts, the multi-arch base (the loopback busybox index, by digest:
 * a FROM by tag would move the shared `busybox:1.36` tag to each platform built, as any pull
 * of it does), and names of this run's own.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { BuildJob } from '@archdeck/shared';
import { tarArchive } from '../../src/lib/tar.js';
import { inspectRemote } from '../../src/registries/registry-client.js';
import { parseReference } from '../../src/images/reference.js';
import { testEnv, type TestApp } from '../helper.js';

const run = promisify(execFile);
export const env = testEnv();

/** A name of this run's own: `localhost/archdeck-buildtest-<pid>-<what>`. */
export const ownName = (what: string) => `localhost/archdeck-buildtest-${process.pid}-${what}`;

export const podman = (...args: string[]) =>
  run('podman', ['--root', env.root, '--runroot', env.runroot, ...args], {
    env: {
      ...process.env,
      CONTAINERS_CONF: env.containersConf,
      CONTAINERS_REGISTRIES_CONF: env.registriesConf,
      CONTAINERS_STORAGE_CONF: process.env.ARCHDECK_TEST_STORAGE_CONF,
    },
  });

/** The loopback busybox index pinned by digest, for FROM lines. */
export async function multiArchBase(): Promise<string> {
  const ref = parseReference(env.image);
  // The loopback registry is plain HTTP, listed insecure in the test registries.conf.
  const remote = await inspectRemote(ref, { insecure: true });
  return `${ref.registry}/${ref.repository}@${remote.digest}`;
}

export function contextTar(files: Record<string, string | Buffer>): Buffer {
  return tarArchive(
    Object.entries(files).map(([name, data]) => ({
      name,
      data: Buffer.isBuffer(data) ? data : Buffer.from(data),
      mode: name.startsWith('probe') ? 0o755 : 0o644,
    })),
  );
}

/** POST /api/builds with the context as a tar body. */
export function postBuild(
  t: TestApp,
  query: Record<string, string>,
  body: Buffer,
  contentType = 'application/x-tar',
) {
  return t.api({
    method: 'POST',
    url: `/api/builds?${new URLSearchParams(query)}`,
    headers: { 'content-type': contentType },
    payload: body,
  });
}

/** Starts a build and waits for its end. */
export async function build(
  t: TestApp,
  query: Record<string, string>,
  body: Buffer,
): Promise<BuildJob> {
  const res = await postBuild(t, query, body);
  expect(res.statusCode, res.body).toBe(202);
  return t.app.builds.jobs.wait((res.json() as BuildJob).id);
}

/** What running the image prints (its CMD), for one platform. */
export async function runImage(ref: string, platform: string): Promise<string> {
  const { stdout } = await podman('run', '--rm', '--platform', platform, ref);
  return stdout.trim();
}

/** Takes this run's tags off podman, and the images with them (what others share stays). */
export async function removeTags(tags: string[]): Promise<void> {
  for (const tag of tags) await podman('rmi', tag).catch(() => undefined);
}

/** buildah's working containers: a build has one while it runs, and removes it when it ends. */
export async function workingContainers(): Promise<string[]> {
  const { stdout } = await podman('ps', '-a', '--storage', '--format', '{{.ID}} {{.Names}}');
  return stdout
    .split('\n')
    .filter((l) => /-working-container(-\d+)?$/.test(l))
    .map((l) => l.split(' ')[0]!);
}
