/**
 * Presets as the UI shows them: each kept preset with the platforms to offer it as, those this
 * host runs that its image's index lists (or, while the index is not known, every one this host
 * runs, marked so). Running one is an ordinary POST /api/containers with its fields.
 */
import {
  parsePlatform,
  type Preset,
  type PresetChange,
  type PresetIndex,
  type PresetInput,
  type RunBadge,
} from '@archdeck/shared';
import type { EmulatorsService } from '../emulators/emulators.js';
import type { EngineEvents } from '../engine/events.js';
import { badRequest, notFound } from '../lib/errors.js';
import { definitionOf, PresetError, type PresetDef } from './definitions.js';
import type { IndexChecks } from './index-checks.js';
import type { PresetStore } from './store.js';

interface Host {
  badge: (platform: string) => RunBadge;
  /** Every platform this host runs containers of: emulated ones, then its own. */
  runnable: string[];
}

function checked(input: PresetInput): PresetDef {
  try {
    return definitionOf(input);
  } catch (err) {
    if (err instanceof PresetError) throw badRequest(`Invalid preset: ${err.message}`);
    throw err;
  }
}

/** How long a list waits for the index lookups it started before answering `checking`. */
const FIRST_ANSWER_WAIT_MS = 3_000;

export class PresetsService {
  constructor(
    private readonly store: PresetStore,
    private readonly checks: IndexChecks,
    private readonly emulators: EmulatorsService,
    private readonly events: EngineEvents,
  ) {}

  async list(): Promise<Preset[]> {
    const host = await this.host();
    const all = this.store.list();
    const images = all.map((p) => p.image);
    this.checks.keepOnly(images);
    // Starts the lookups that are due, and gives them a moment: a registry on the LAN answers
    // well within it, so the list usually comes complete rather than `checking` and then an
    // event later.
    for (const image of images) this.checks.current(image);
    await this.checks.settled(images, FIRST_ANSWER_WAIT_MS);
    return all.map((def) => this.view(def, this.checks.current(def.image), host));
  }

  async create(input: PresetInput): Promise<Preset> {
    const def = checked(input);
    await this.store.add(def);
    this.changed('create', def.id);
    return this.view(def, this.checks.current(def.image), await this.host());
  }

  async update(id: string, change: PresetChange): Promise<Preset> {
    const def = checked({ ...change, id });
    await this.store.replace(def);
    this.changed('update', id);
    return this.view(def, this.checks.current(def.image), await this.host());
  }

  async remove(id: string): Promise<void> {
    await this.store.remove(id);
    this.changed('remove', id);
  }

  /** Asks the registry again what the preset's image publishes, and answers with the result. */
  async check(id: string): Promise<Preset> {
    const def = this.store.get(id);
    if (!def) throw notFound(`No preset ${id}.`);
    const index = await this.checks.refresh(def.image);
    return this.view(def, index, await this.host());
  }

  close(): void {
    this.checks.close();
  }

  private changed(action: string, id: string): void {
    this.events.publish({ kind: 'preset', action, id });
  }

  private async host(): Promise<Host> {
    const state = await this.emulators.read();
    return {
      badge: this.emulators.badgesFrom(state.entries),
      runnable: [...state.summary.containers, state.hostPlatform],
    };
  }

  private view(def: PresetDef, index: PresetIndex, host: Host): Preset {
    const offered =
      index.state === 'listed'
        ? index.platforms
            .filter((p) => parsePlatform(p).os === 'linux' && host.badge(p).run !== 'unavailable')
            // Native last, as everywhere presets are offered; the index's order otherwise.
            .sort(
              (a, b) =>
                Number(host.badge(a).run === 'native') - Number(host.badge(b).run === 'native'),
            )
        : host.runnable;
    return {
      ...def,
      platforms: offered.map((platform) => ({ platform, ...host.badge(platform) })),
      index,
    };
  }
}
