/**
 * Every platform's image config and layer sizes, read from the registry: what the per-platform
 * comparison (config-diff.ts) needs. One read in the registry client's (ref, opts) shape, so
 * that Registries reads it from where podman would pull (short names, mirrors, logins).
 */
import type { ImageReference } from '../images/reference.js';
import {
  inspectRemote,
  readImage,
  type RegistryOptions,
  type RemoteImage,
  type RemotePlatformEntry,
} from './registry-client.js';

export interface RemoteImageConfig {
  /** The platform and its manifest, as the index lists it (a single image: as inspectRemote). */
  entry: RemotePlatformEntry;
  /** The config blob, parsed: the OCI image config (os, architecture, config, rootfs, history). */
  config: Record<string, unknown>;
  /** Each layer's size as its manifest lists it (compressed, as pulled). */
  layerSizes: number[];
}

export interface RemoteImageConfigs {
  image: RemoteImage;
  configs: RemoteImageConfig[];
  /** Platforms listed but not read: more than MAX_CONFIGS. */
  skipped: number;
}

/** Enough for every platform a real index lists (Docker Hub's busybox has 13 at most). */
const MAX_CONFIGS = 16;
/** One deadline for the index and every platform's manifest and config. */
const CONFIGS_TIMEOUT_MS = 30_000;

/**
 * The index (or single manifest) a reference names, then each platform's manifest and config
 * blob by the digest the index gives, each checked against it.
 */
export async function readPlatformConfigs(
  ref: ImageReference,
  opts: RegistryOptions,
): Promise<RemoteImageConfigs> {
  const deadline = AbortSignal.timeout(opts.timeoutMs ?? CONFIGS_TIMEOUT_MS);
  const all: RegistryOptions = {
    ...opts,
    timeoutMs: opts.timeoutMs ?? CONFIGS_TIMEOUT_MS,
    signal: opts.signal ? AbortSignal.any([deadline, opts.signal]) : deadline,
  };
  const image = await inspectRemote(ref, all);
  const configs = await Promise.all(
    image.platforms.slice(0, MAX_CONFIGS).map(async (entry) => {
      const { manifest, config } = await readImage({ ...ref, digest: entry.digest }, all);
      return { entry, config, layerSizes: manifest.layers.map((l) => l.size) };
    }),
  );
  return { image, configs, skipped: Math.max(0, image.platforms.length - MAX_CONFIGS) };
}
