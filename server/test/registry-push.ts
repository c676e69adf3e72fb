/**
 * Pushes test-owned images straight to the loopback registry over the distribution API: blobs
 * (POST then PUT with the digest), manifests by tag or digest. Images made here have content of
 * their own (a random file, a random label), so their ids are shared with no other test.
 */
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tarArchive } from '../src/lib/tar.js';
import { MEDIA_TYPES } from '../src/registries/registry-client.js';

export const sha256 = (data: string | Buffer) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

/** A registry at host:port, over plain HTTP, and one repository in it. */
export function registryRepo(registry: string, repository: string) {
  const base = `http://${registry}/v2/${repository}`;

  async function blob(data: Buffer, mediaType: string): Promise<Descriptor> {
    const digest = sha256(data);
    const start = await fetch(`${base}/blobs/uploads/`, { method: 'POST' });
    if (start.status !== 202) throw new Error(`blob upload refused: HTTP ${start.status}`);
    const location = new URL(start.headers.get('location')!, `http://${registry}`);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      // A plain byte array: the e2e package reads this file with the DOM's fetch types too.
      body: new Uint8Array(data),
    });
    if (put.status !== 201) throw new Error(`blob ${digest} refused: HTTP ${put.status}`);
    return { mediaType, digest, size: data.length };
  }

  async function manifest(reference: string, body: Buffer, mediaType: string): Promise<Descriptor> {
    const res = await fetch(`${base}/manifests/${reference}`, {
      method: 'PUT',
      headers: { 'content-type': mediaType },
      body: new Uint8Array(body),
    });
    if (res.status !== 201) {
      throw new Error(`manifest ${reference} refused: HTTP ${res.status} ${await res.text()}`);
    }
    return { mediaType, digest: sha256(body), size: body.length };
  }

  /** An OCI image of `layers` gzipped one-file layers for `architecture`, pushed by digest. */
  async function image(architecture: string, layers = 2) {
    const files = Array.from({ length: layers }, (_, i) =>
      tarArchive([{ name: `layer-${i}.bin`, data: randomBytes(64 * 1024) }]),
    );
    const layerDescriptors = await Promise.all(
      files.map((tar) => blob(gzipSync(tar), 'application/vnd.oci.image.layer.v1.tar+gzip')),
    );
    const config = Buffer.from(
      JSON.stringify({
        architecture,
        os: 'linux',
        config: { Labels: { 'archdeck.test.nonce': randomBytes(8).toString('hex') } },
        rootfs: { type: 'layers', diff_ids: files.map((tar) => sha256(tar)) },
        history: files.map(() => ({ created_by: 'archdeck test layer' })),
      }),
    );
    const configDescriptor = await blob(config, MEDIA_TYPES.ociConfig);
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociManifest,
        config: configDescriptor,
        layers: layerDescriptors,
      }),
    );
    const pushed = await manifest(sha256(body), body, MEDIA_TYPES.ociManifest);
    return { ...pushed, architecture, config: configDescriptor, layers: layerDescriptors };
  }

  /** An OCI index of `images`, pushed under `tag`; returns its descriptor and bytes. */
  async function index(tag: string, images: Array<Descriptor & { architecture: string }>) {
    const body = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA_TYPES.ociIndex,
        manifests: images.map(({ mediaType, digest, size, architecture }) => ({
          mediaType,
          digest,
          size,
          platform: { architecture, os: 'linux' },
        })),
      }),
    );
    return { ...(await manifest(tag, body, MEDIA_TYPES.ociIndex)), body };
  }

  return { blob, manifest, image, index };
}

/**
 * Puts the manifest (or index) `ref` names under a new tag in the same repository, and answers
 * with the new reference: the same image, but not local under that name, so a run of it pulls.
 */
export async function copyTag(ref: string, tag: string): Promise<string> {
  const [, registry, repository, from] = /^([^/]+)\/(.+):([^:/]+)$/.exec(ref)!;
  const res = await fetch(`http://${registry}/v2/${repository}/manifests/${from}`, {
    headers: { accept: [MEDIA_TYPES.ociIndex, MEDIA_TYPES.dockerList].join(', ') },
  });
  if (!res.ok) throw new Error(`${ref}: HTTP ${res.status}`);
  const type = res.headers.get('content-type')!;
  await registryRepo(registry!, repository!).manifest(
    tag,
    Buffer.from(await res.arrayBuffer()),
    type,
  );
  return `${registry}/${repository}:${tag}`;
}
