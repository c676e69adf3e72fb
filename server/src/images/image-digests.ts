/**
 * Which of a local image's digests pins what. Podman 4.3's compat inspect lists RepoDigests as
 * every name of the image crossed with every manifest digest containers/storage recorded for
 * it: the platform manifest and, for a pull through a multi-arch reference, the index (manifest
 * list) too, side by side and unlabelled. Each is told apart here from evidence, never from its
 * position: the platform digest is the hash of the manifest podman keeps for the image; an
 * index is a recorded digest whose bytes, from podman's store or else from the registry, are an
 * index that lists that platform digest. What cannot be established is said to be unknown, with
 * why.
 */
import type { ImageDigests } from '@archdeck/shared';
import { AppError } from '../lib/errors.js';
import type { RemoteManifest } from '../registries/registry-client.js';

/**
 * Reads a manifest by `name@digest` from where podman would pull it (the Registries service:
 * mirrors, certs.d, auth.json). Fails with an AppError: `registry_not_found` when no source
 * has it.
 */
export type ManifestReader = (reference: string) => Promise<RemoteManifest>;

export interface RecordedDigests {
  id: string;
  /** name@digest, as podman's RepoDigests. */
  repoDigests: string[];
  /** The hash of the manifest podman keeps for the image; null when it cannot be read. */
  manifestDigest: string | null;
  /** Other manifests podman keeps for the image, checked against their digests; null: unreadable. */
  storedManifests: Map<string, Buffer> | null;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Registry lookups are for a panel someone is waiting on: shorter than a pull's lookup. */
export const DIGEST_LOOKUP_TIMEOUT_MS = 5_000;

const NO_INDEX_RECORDED =
  'Podman recorded no index for this image: it was pulled by its platform digest or from a ' +
  'single-platform reference, or built or imported on this host.';

/** The digests listed by an index or manifest list; null for anything else. */
function listedBy(bytes: Buffer): string[] | null {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  const manifests = (doc as { manifests?: unknown } | null)?.manifests;
  if (!Array.isArray(manifests)) return null;
  return manifests
    .map((m) => (m as { digest?: unknown } | null)?.digest)
    .filter((d): d is string => typeof d === 'string');
}

/** Recorded digests other than the platform's, each with the repositories it was recorded for. */
function recordedCandidates(image: RecordedDigests): Map<string, string[]> {
  const byDigest = new Map<string, string[]>();
  for (const reference of image.repoDigests) {
    const at = reference.lastIndexOf('@');
    const [name, digest] = [reference.slice(0, at), reference.slice(at + 1)];
    if (at < 0 || !DIGEST.test(digest) || digest === image.manifestDigest) continue;
    byDigest.set(digest, [...(byDigest.get(digest) ?? []), name]);
  }
  return byDigest;
}

/**
 * One recorded digest, read from the registry under each name it was recorded for: its
 * manifest, null when no name has it (RepoDigests crosses every name with every digest), or
 * why the registry could not be asked.
 */
async function lookUp(
  digest: string,
  names: string[],
  read: ManifestReader,
): Promise<RemoteManifest | AppError | null> {
  for (const name of names) {
    // podman's name for images built or imported here: there is no registry to ask.
    if (name.startsWith('localhost/')) continue;
    try {
      return await read(`${name}@${digest}`);
    } catch (err) {
      // A registry's failure, or a registries.conf, certs.d or auth.json it cannot be asked with.
      if (!(err instanceof AppError)) throw err;
      if (err.code !== 'registry_not_found') return err;
    }
  }
  return null;
}

const NO_PLATFORM =
  'Podman keeps no manifest for this image that archdeck could read (archdeck reads ' +
  "podman's image store, which needs the user podman runs as)";

/**
 * The image's platform digest and the indexes it was pulled through: from podman's store when
 * it holds them, else from the registry (through `read`, asked only then).
 * `keep` is true when the registry was asked and answered in full: manifests are
 * content-addressed, so asking again would give the same answer.
 */
export async function resolveDigests(
  image: RecordedDigests,
  read: ManifestReader,
): Promise<{ digests: ImageDigests; keep: boolean }> {
  const candidates = recordedCandidates(image);
  const answer = (
    platform: string | null,
    platformUnknown: string,
    indexes: string[],
    indexSource: ImageDigests['indexSource'],
    indexUnknown: string,
    keep = false,
  ) => ({
    digests: {
      platform,
      platformUnknown: platform === null ? platformUnknown : null,
      indexes,
      indexSource: indexes.length > 0 ? indexSource : null,
      indexUnknown: indexes.length > 0 ? null : indexUnknown,
    },
    keep,
  });

  if (candidates.size === 0) {
    return answer(image.manifestDigest, `${NO_PLATFORM}.`, [], null, NO_INDEX_RECORDED);
  }

  const platformInStore = image.manifestDigest;
  if (platformInStore !== null && image.storedManifests !== null) {
    const stored = image.storedManifests;
    const inStore = [...candidates.keys()].filter(
      (d) => listedBy(stored.get(d) ?? Buffer.alloc(0))?.includes(platformInStore) === true,
    );
    if (inStore.length > 0) return answer(platformInStore, '', inStore, 'store', '');
  }

  // The store could not tell (unreadable, or podman kept no copy): ask the registry.
  const found = await Promise.all(
    [...candidates].map(async ([digest, names]) => ({
      digest,
      manifest: await lookUp(digest, names, read),
    })),
  );
  const failure = found.find(({ manifest }) => manifest instanceof AppError)?.manifest as
    AppError | undefined;
  const answered = found.flatMap(({ digest, manifest }) =>
    manifest === null || manifest instanceof AppError ? [] : [{ digest, manifest }],
  );
  // A recorded manifest whose config is this image's is its platform manifest.
  const platform =
    platformInStore ??
    answered.find(
      ({ manifest }) =>
        manifest.kind === 'image' && manifest.config.digest === `sha256:${image.id}`,
    )?.digest ??
    null;
  const indexes = answered.flatMap(({ digest, manifest }) =>
    manifest.kind === 'index' && platform !== null && manifest.manifests.includes(platform)
      ? [digest]
      : [],
  );
  const unreachable = failure
    ? `the registry could not be asked: ${failure.message.replace(/\.$/, '')}.`
    : null;
  return answer(
    platform,
    unreachable
      ? `${NO_PLATFORM}, and ${unreachable}`
      : `${NO_PLATFORM}, and none of the digests podman recorded for it is this image's manifest in the registry.`,
    indexes,
    'registry',
    unreachable
      ? `No copy of the index was found in podman's image store, and ${unreachable}`
      : platform === null
        ? "Without this image's platform digest, no index can be confirmed to list it."
        : 'None of the digests podman recorded for this image is an index, in its store or in the registry, that lists its platform digest.',
    indexes.length > 0 || failure === undefined,
  );
}
