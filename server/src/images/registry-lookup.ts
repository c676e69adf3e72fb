/**
 * The daemon's one way to ask a registry what an image's index lists (the Pull and Run dialogs
 * through GET /api/registry/platforms, the presets): the sources podman would pull from, per
 * registries.conf, tried in its order, so that a mirror that makes a pull work also makes the
 * lookup work.
 */
import { readFile } from 'node:fs/promises';
import { formatReference, type ImageReference } from './reference.js';
import { formatPlatform } from './platform.js';
import {
  inspectRemote,
  pullSources,
  RegistryError,
  type RemoteImage,
  type RemotePlatformEntry,
} from './registry-client.js';

/** An index entry's os/arch[/variant]. */
export const entryPlatform = (p: RemotePlatformEntry) =>
  formatPlatform({ os: p.os, arch: p.architecture, variant: p.variant });

export interface IndexLookup extends RemoteImage {
  /** The mirror that answered (`host[:port]`), or null when the registry itself did. */
  mirror: string | null;
}

export class RegistryLookup {
  constructor(private readonly registriesConf: string) {}

  /** The image's platforms, from the first source that answers; the registry's error otherwise. */
  async inspect(ref: ImageReference): Promise<IndexLookup> {
    // Read on every lookup: registries.conf may change, and it is small.
    const conf = await readFile(this.registriesConf, 'utf8').catch(() => '');
    const failures: { registry: string; err: RegistryError }[] = [];
    for (const source of pullSources(ref, conf)) {
      try {
        const remote = await inspectRemote(source.ref, source);
        return {
          ...remote,
          reference: formatReference(ref),
          mirror: source.mirror ? source.ref.registry : null,
        };
      } catch (err) {
        if (!(err instanceof RegistryError)) throw err;
        failures.push({ registry: source.ref.registry, err });
      }
    }
    const last = failures.at(-1)!;
    if (failures.length === 1) throw last.err;
    const mirrors = failures.slice(0, -1).map((f) => `${f.registry}: ${f.err.message}`);
    throw new RegistryError(
      last.err.kind,
      `${last.err.message}; its mirrors failed too (${mirrors.join('; ')})`,
      last.err.registryMessage,
      { cause: last.err },
    );
  }
}
