/**
 * Manifest lists in podman, through libpod's v4 routes (pkg/api/server/register_manifest.go in
 * podman 4.3.1; the compat API has none). Names are percent-encoded whole: the router reads
 * `{name:.*}/registry/{destination:.*}` greedily, so a slash left in either would split wrong.
 *
 * HACK: podman 4.3 cannot list images at all while a local list has no entry for the host's
 * platform (see images.ts), so archdeck keeps lists out of podman except for the one push job
 * that creates, pushes and removes each (manifests/pushes.ts).
 */
import type Docker from 'dockerode';
import { JsonLines } from '../lib/json-lines.js';
import { libpodJson, libpodStream } from './libpod.js';
import type { PushEvent } from './types.js';

const listPath = (name: string) => `/libpod/manifests/${encodeURIComponent(name)}`;

/**
 * Creates a list of local images. HACK: each is named `containers-storage:<id>`: containers/
 * common 0.50's ManifestList.Add never looks in local storage for a plain name, it asks a
 * registry (https://github.com/containers/common/issues/1896).
 */
export async function createManifestList(
  libpod: Docker,
  name: string,
  imageIds: string[],
): Promise<string> {
  const created = await libpodJson<{ Id?: string }>(libpod, {
    method: 'POST',
    path: listPath(name),
    body: { images: imageIds.map((id) => `containers-storage:${id}`) },
    ok: [200, 201],
    what: `manifest list ${name}`,
  });
  return created.Id ?? '';
}

/**
 * Pushes a list and every image in it (`all=true`: podman's handler defaults to false, which
 * pushes the list alone, and the registry then refuses it with "manifest blob unknown").
 * `quiet=false` streams progress; closing the connection (`signal`) cancels the push.
 */
export async function* pushManifestList(
  libpod: Docker,
  name: string,
  destination: string,
  signal: AbortSignal,
): AsyncGenerator<PushEvent> {
  const stream = await libpodStream(libpod, {
    method: 'POST',
    path: `${listPath(name)}/registry/${encodeURIComponent(destination)}`,
    query: { all: true, quiet: false },
    ok: [200],
    what: `the push of ${destination}`,
    signal,
  });
  const lines = new JsonLines();
  const events = (values: unknown[]): PushEvent[] =>
    values.flatMap((value): PushEvent[] => {
      const m = value as { stream?: string; error?: string; Id?: string };
      if (typeof m.error === 'string' && m.error)
        return [{ kind: 'failed', message: m.error.trim() }];
      if (typeof m.stream === 'string' && m.stream)
        return [{ kind: 'output', text: m.stream.replace(/\n$/, '') }];
      if (typeof m.Id === 'string' && m.Id) return [{ kind: 'pushed', digest: m.Id }];
      return [];
    });
  try {
    for await (const chunk of stream) yield* events(lines.push(chunk as Buffer));
  } catch (err) {
    yield* events(lines.end());
    yield { kind: 'cut', message: (err as Error).message };
    return;
  }
  yield* events(lines.end());
}

/** Removes a list (not its images); false when there was none of that name. */
export async function removeManifestList(libpod: Docker, name: string): Promise<boolean> {
  try {
    await libpodJson(libpod, {
      method: 'DELETE',
      path: listPath(name),
      ok: [200],
      what: `manifest list ${name}`,
    });
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}
