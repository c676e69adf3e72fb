/**
 * Which platforms each preset's image publishes, asked of its registry (through the
 * Registries service, so as podman would pull it: mirrors, certs.d, logins) once and then
 * kept: the presets list never waits for a registry. An image not asked about yet is
 * `checking` while the lookup runs; when it settles, `onChange` tells the UI to fetch the list
 * again. An answer is reused for a while, then asked again in the background; `refresh` asks
 * now.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { PresetIndex } from '@archdeck/shared';
import { AppError } from '../lib/errors.js';
import { formatReference, isShortName, parseReference } from '../images/reference.js';
import type { Registries } from '../registries/registries.js';
import { entryPlatform } from '../registries/registry-client.js';

/** An index changes when someone pushes to the tag: an hour-old answer is fresh enough. */
const LISTED_TTL_MS = 60 * 60_000;
/** A registry that could not be asked may be back soon (a network, a mirror added). */
const UNCHECKED_TTL_MS = 5 * 60_000;

/**
 * One entry per image: a qualified name in its canonical form; a short name as written, as
 * registries.conf (aliases, search registries) decides what it stands for.
 */
function keyOf(image: string): string {
  const written = image.trim();
  return isShortName(written) ? written : formatReference(parseReference(written));
}

const CHECKING: PresetIndex = { state: 'checking', checkedAt: null, platforms: [], problem: null };

interface Entry {
  index: PresetIndex;
  /** When the registry answered (or failed); 0 while it never has. */
  at: number;
  pending: Promise<PresetIndex> | null;
}

/**
 * Why the registry's answer is missing (the Registries service's words), and what makes it
 * come. The fix names the registry, not the image: presets of one registry share it.
 */
function problemOf(image: string, err: unknown, mirrorDropIn: string): PresetIndex['problem'] {
  if (!(err instanceof AppError)) {
    return { code: 'lookup_failed', message: (err as Error).message, fix: null };
  }
  const { code, message } = err;
  const registry = isShortName(image) ? null : parseReference(image).registry;
  switch (code) {
    case 'registry_unreachable':
    case 'registry_timeout':
      return {
        code,
        message,
        fix: registry
          ? `If this machine cannot reach ${registry}, add a mirror of it that it can reach in a ` +
            `registries.conf drop-in such as \`${mirrorDropIn}\` (\`[[registry]]\` with ` +
            `\`prefix = "${registry}"\`, then \`[[registry.mirror]]\` with ` +
            `\`location = "<host:port>"\`; restart podman's service so that its pulls use it ` +
            `too), or push the images to a local registry and edit the presets to use it.`
          : null,
      };
    case 'registry_not_found':
      return { code, message, fix: "Edit the preset's image: a tag that exists." };
    case 'registry_unauthorized':
      return {
        code,
        message,
        fix: registry
          ? `Log in to ${registry} on the Registries page: archdeck's lookups and podman's pulls both use that login.`
          : null,
      };
    default:
      return { code, message, fix: null };
  }
}

export class IndexChecks {
  private readonly entries = new Map<string, Entry>();
  private closed = false;

  constructor(
    private readonly registries: Pick<Registries, 'inspect'>,
    /** Where a mirror is best added: a drop-in podman reads too. */
    private readonly mirrorDropIn: string,
    private readonly onChange: () => void,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** What is known of the image's index now; asks the registry when nothing is, or it is old. */
  current(image: string): PresetIndex {
    const key = keyOf(image);
    const entry = this.entries.get(key);
    if (!entry) {
      void this.start(key, image);
      return CHECKING;
    }
    const ttl = entry.index.state === 'listed' ? LISTED_TTL_MS : UNCHECKED_TTL_MS;
    if (!entry.pending && Date.now() - entry.at >= ttl) this.start(key, image);
    return entry.index;
  }

  /** Asks the registry now (or joins the lookup under way) and answers when it has. */
  refresh(image: string): Promise<PresetIndex> {
    const key = keyOf(image);
    return this.entries.get(key)?.pending ?? this.start(key, image);
  }

  /** Resolves once the lookups under way for `images` have settled, or after `ms`. */
  async settled(images: readonly string[], ms: number): Promise<void> {
    const pending = images.flatMap((image) => this.entries.get(keyOf(image))?.pending ?? []);
    if (pending.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(pending),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }

  /** Forgets images no preset uses any more. */
  keepOnly(images: readonly string[]): void {
    const used = new Set(images.map((image) => keyOf(image)));
    for (const key of this.entries.keys()) if (!used.has(key)) this.entries.delete(key);
  }

  close(): void {
    this.closed = true;
  }

  private start(key: string, image: string): Promise<PresetIndex> {
    const entry: Entry = this.entries.get(key) ?? { index: CHECKING, at: 0, pending: null };
    this.entries.set(key, entry);
    const pending = this.registries.inspect(image).then(
      ({ remote }): PresetIndex => ({
        state: 'listed',
        checkedAt: new Date().toISOString(),
        platforms: [...new Set(remote.platforms.map(entryPlatform))],
        problem: null,
      }),
      (err: unknown): PresetIndex => {
        if (!(err instanceof AppError)) this.log.warn({ err, image }, 'index lookup failed');
        return {
          state: 'unchecked',
          checkedAt: new Date().toISOString(),
          platforms: [],
          problem: problemOf(image, err, this.mirrorDropIn),
        };
      },
    );
    entry.pending = pending;
    void pending.then((index) => {
      entry.index = index;
      entry.at = Date.now();
      entry.pending = null;
      if (!this.closed) this.onChange();
    });
    return pending;
  }
}
