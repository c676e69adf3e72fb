/**
 * Podman's image endpoints, mapped to our own types. Functions take the dockerode client the
 * Engine hands them; nothing outside engine/ sees podman's JSON.
 */
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppError } from '../lib/errors.js';
import { engineError } from './errors.js';
import { PROBE_LABEL } from './labels.js';
import { PROBE_HASH_LABEL } from './probe-image.js';
import type { EngineImage, EngineImageExtras } from './types.js';

interface CompatInspect {
  Id: string;
  RepoTags?: string[] | null;
  RepoDigests?: string[] | null;
  Created?: string;
  DockerVersion?: string;
  Architecture?: string;
  Os?: string;
  Variant?: string;
  Size?: number;
  Config?: {
    Env?: string[] | null;
    Cmd?: string[] | null;
    Entrypoint?: string[] | null;
    WorkingDir?: string;
    User?: string;
    Labels?: Record<string, string> | null;
  };
  RootFS?: { Layers?: string[] };
  GraphDriver?: { Name?: string };
}

/**
 * HACK: podman's API never returns the manifest an image was pulled with, so it cannot tell
 * the compressed layer digests and per-platform manifest digest that `skopeo inspect
 * containers-storage:` prints (RootFS.Layers are uncompressed diff IDs, libpod's Digest is the
 * index's). containers/storage keeps that manifest at <graphroot>/<driver>-images/<id>/manifest;
 * we read it there when we can (the daemon runs as root beside podman) and fall back to the
 * diff IDs when we cannot. The index a pull went through is kept beside it, under the big-data
 * key `manifest-<digest>` (containers/image storage_dest.go, Commit: "Save the
 * unparsedToplevel's manifest if it differs from the per-platform one").
 */
async function storedManifest(
  graphRoot: string | null,
  driver: string | undefined,
  id: string,
  otherDigests: string[],
): Promise<{ digest: string; layers: string[]; others: Map<string, Buffer> } | null> {
  if (!graphRoot || !driver) return null;
  const dir = join(graphRoot, `${driver}-images`, id);
  try {
    const raw = await readFile(join(dir, 'manifest'));
    const manifest = JSON.parse(raw.toString('utf8')) as { layers?: Array<{ digest: string }> };
    if (!Array.isArray(manifest.layers)) return null;
    const digest = sha256(raw);
    const others = new Map<string, Buffer>();
    for (const other of otherDigests) {
      if (other === digest || !other.startsWith('sha256:')) continue;
      const bytes = await readFile(join(dir, bigDataFileName(`manifest-${other}`))).catch(
        () => null,
      );
      if (bytes && sha256(bytes) === other) others.set(other, bytes);
    }
    return { digest, layers: manifest.layers.map((l) => l.digest), others };
  } catch {
    return null;
  }
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/**
 * containers/storage's makeBigDataBaseName (store.go): a key of [.0-9a-z] as is, else "=" +
 * base64. Faithful to its quirk: it stops at the first other character after consuming it, so
 * a key whose only other character is its last is kept as is too.
 */
function bigDataFileName(key: string): string {
  const chars = [...key];
  const first = chars.findIndex((c) => !/^[.0-9a-z]$/.test(c));
  return first === -1 || first === chars.length - 1
    ? key
    : `=${Buffer.from(key, 'utf8').toString('base64')}`;
}

/**
 * HACK: podman's compat API answers a full 64-hex id it does not know with a 500 ("cannot
 * specify 64-byte hexadecimal strings") instead of 404, because it tries it as a name; with
 * the `sha256:` prefix it answers 404 as Docker does.
 */
const byId = (id: string) => (/^[a-f0-9]{64}$/.test(id) ? `sha256:${id}` : id);

async function compatInspect(docker: Docker, id: string): Promise<CompatInspect> {
  try {
    return (await docker.getImage(byId(id)).inspect()) as unknown as CompatInspect;
  } catch (err) {
    throw engineError(err, `image ${id}`);
  }
}

function toEngineImage(data: CompatInspect): EngineImage {
  const c = data.Config ?? {};
  return {
    id: data.Id.replace(/^sha256:/, ''),
    repoTags: data.RepoTags ?? [],
    repoDigests: data.RepoDigests ?? [],
    architecture: data.Architecture ?? 'unknown',
    os: data.Os ?? 'unknown',
    variant: data.Variant || null,
    size: data.Size ?? 0,
    created: data.Created ?? '',
    labels: c.Labels ?? {},
    env: c.Env ?? [],
    entrypoint: c.Entrypoint ?? null,
    cmd: c.Cmd ?? null,
    workingDir: c.WorkingDir ?? '',
    user: c.User ?? '',
    dockerVersion: data.DockerVersion ?? '',
  };
}

export async function inspectImage(docker: Docker, id: string): Promise<EngineImage> {
  return toEngineImage(await compatInspect(docker, id));
}

/**
 * inspectImage and the digest of the image's own manifest in podman's store (what a manifest
 * list made from it names), null when the store cannot be read.
 */
export async function inspectImageManifest(
  docker: Docker,
  graphRoot: string | null,
  id: string,
): Promise<EngineImage & { manifestDigest: string | null }> {
  const data = await compatInspect(docker, id);
  const image = toEngineImage(data);
  const stored = await storedManifest(graphRoot, data.GraphDriver?.Name, image.id, []);
  return { ...image, manifestDigest: stored?.digest ?? null };
}

/** inspectImage and the manifest, layers and history the detail view shows as well. */
export async function inspectImageDetail(
  docker: Docker,
  graphRoot: string | null,
  id: string,
): Promise<EngineImage & EngineImageExtras> {
  const data = await compatInspect(docker, id);
  const image = toEngineImage(data);
  const recorded = image.repoDigests.map((r) => r.slice(r.lastIndexOf('@') + 1));
  const [stored, history] = await Promise.all([
    storedManifest(graphRoot, data.GraphDriver?.Name, image.id, recorded),
    imageHistory(docker, image.id),
  ]);
  return {
    ...image,
    manifestDigest: stored?.digest ?? null,
    storedManifests: stored?.others ?? null,
    layers: stored?.layers ?? data.RootFS?.Layers ?? [],
    history,
  };
}

/** The image's build steps, newest first as Docker's history endpoint gives them. */
async function imageHistory(docker: Docker, id: string): Promise<EngineImageExtras['history']> {
  const steps = (await docker
    .getImage(byId(id))
    .history()
    .catch(() => [])) as Array<{
    Created?: number;
    CreatedBy?: string;
    Comment?: string;
    Size?: number;
  }>;
  return steps.map((h) => ({
    created: h.Created ? new Date(h.Created * 1000).toISOString() : null,
    createdBy: h.CreatedBy ?? '',
    comment: h.Comment ?? '',
    emptyLayer: (h.Size ?? 0) === 0,
  }));
}

/** Image ids and tags, cheap: the list endpoint has no architecture, inspect adds it. */
export async function listImageIds(
  docker: Docker,
): Promise<Array<{ id: string; repoTags: string[] }>> {
  let list;
  try {
    list = await docker.listImages({ all: false });
  } catch (err) {
    // HACK: podman 4.3 cannot list images at all (compat or libpod, 500) while a local
    // manifest list (`podman manifest create`) has no entry for the host's platform.
    const message = (err as { json?: { message?: string } }).json?.message ?? '';
    if (message.includes('no image found in image index')) {
      throw new AppError(
        502,
        'podman_manifest_list',
        `podman cannot list images: ${message}. In podman 4.3 a local manifest list without an entry for this host's platform causes this; remove it with \`podman manifest rm <name>\`.`,
      );
    }
    throw engineError(err, 'image list');
  }
  return (
    list
      // An older archdeck labelled its probe images with the hash only: hidden as well.
      .filter((i) => !i.Labels?.[PROBE_LABEL] && !i.Labels?.[PROBE_HASH_LABEL])
      .map((i) => ({ id: i.Id.replace(/^sha256:/, ''), repoTags: i.RepoTags ?? [] }))
  );
}

/**
 * Removes an image by untagging each of its tags, then the id: podman refuses an id with
 * several tags (archdeck's arch tags make that common) unless forced, and force would also
 * delete containers using it. A container in use still makes the last step answer 409.
 */
export async function removeImage(docker: Docker, id: string): Promise<void> {
  try {
    const info = (await docker.getImage(byId(id)).inspect()) as unknown as CompatInspect;
    for (const tag of info.RepoTags ?? []) await docker.getImage(tag).remove();
    const stillThere = await docker
      .getImage(byId(id))
      .inspect()
      .then(
        () => true,
        () => false,
      );
    if (stillThere) await docker.getImage(byId(id)).remove();
  } catch (err) {
    throw engineError(err, `image ${id}`);
  }
}

export async function tagImage(
  docker: Docker,
  id: string,
  repo: string,
  tag: string,
): Promise<void> {
  await docker.getImage(byId(id)).tag({ repo, tag });
}

/** Podman's compat pull: newline-delimited JSON progress, errors inside the 200 stream. */
export async function pullStream(
  docker: Docker,
  fromImage: string,
  tag: string,
  platform: string,
  abortSignal?: AbortSignal,
): Promise<Readable> {
  try {
    // dockerode takes the signal out of the options before it builds the query.
    return (await docker.createImage({ fromImage, tag, platform, abortSignal })) as Readable;
  } catch (err) {
    throw engineError(err, fromImage);
  }
}
