/**
 * The presets the user keeps: `<data-dir>/presets.json`, a JSON array in the same format as a
 * --presets file (so one can be copied to the other), written whole or not at all, readable by
 * its owner only. Changes are made one at a time, each saved before it is answered.
 *
 * Why the --presets file (or the built-in list) seeds this file on the first start instead of
 * being shown read-only beside it: presets are the user's, edited in the UI. A read-only set
 * could not be trimmed, so the built-in docker.io images would stay on a machine that cannot
 * reach docker.io; and a file that is read on every start would bring back a preset the user
 * removed. A later change to the --presets file is therefore not read: the daemon says so in
 * its log, and removing presets.json starts again from it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, notFound } from '../lib/errors.js';
import { StartupError } from '../lib/errors.js';
import { fileErrorFix, writeFileAtomic } from '../lib/data-file.js';
import { parsePresetList, PresetError, type PresetDef } from './definitions.js';

export const PRESETS_FILE = 'presets.json';

export class PresetStore {
  private presets: readonly PresetDef[];
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly file: string,
    presets: PresetDef[],
  ) {
    this.presets = presets;
  }

  /**
   * The data dir's presets; on the first start (no file yet) `seed`, written there. A file
   * that cannot be read or is not a valid list stops the daemon with what is wrong: carrying
   * on would overwrite the user's presets with the next change.
   */
  static async open(
    dataDir: string,
    seed: PresetDef[],
  ): Promise<{ store: PresetStore; seeded: boolean }> {
    const file = join(dataDir, PRESETS_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new StartupError(`cannot read ${file}: ${fileErrorFix(err)}`);
      }
      const store = new PresetStore(file, seed);
      try {
        await store.write(seed);
      } catch (err) {
        throw new StartupError(`cannot write ${file}: ${fileErrorFix(err)}`);
      }
      return { store, seeded: true };
    }
    try {
      return { store: new PresetStore(file, parsePresetList(JSON.parse(text))), seeded: false };
    } catch (err) {
      if (!(err instanceof PresetError) && !(err instanceof SyntaxError)) throw err;
      throw new StartupError(
        `${file} is not a valid list of presets (${err.message}): correct it, or remove it to start again from the --presets file or the built-in list`,
      );
    }
  }

  list(): readonly PresetDef[] {
    return this.presets;
  }

  get(id: string): PresetDef | undefined {
    return this.presets.find((p) => p.id === id);
  }

  add(def: PresetDef): Promise<void> {
    return this.change((all) => {
      if (all.some((p) => p.id === def.id)) {
        throw new AppError(
          409,
          'preset_exists',
          `There is a preset "${def.id}" already: pick another id, or edit that one.`,
        );
      }
      return [...all, def];
    });
  }

  replace(def: PresetDef): Promise<void> {
    return this.change((all) => {
      if (!all.some((p) => p.id === def.id)) throw notFound(`No preset ${def.id}.`);
      return all.map((p) => (p.id === def.id ? def : p));
    });
  }

  remove(id: string): Promise<void> {
    return this.change((all) => {
      if (!all.some((p) => p.id === id)) throw notFound(`No preset ${id}.`);
      return all.filter((p) => p.id !== id);
    });
  }

  /** Applies one change after the ones before it; it counts only once it is on disk. */
  private change(next: (all: readonly PresetDef[]) => PresetDef[]): Promise<void> {
    const done = this.queue.then(async () => {
      const presets = next(this.presets);
      try {
        await this.write(presets);
      } catch (err) {
        throw new AppError(
          500,
          'presets_not_saved',
          `Could not save the presets to ${this.file}: ${fileErrorFix(err)}.`,
          undefined,
          err,
        );
      }
      this.presets = presets;
    });
    this.queue = done.catch(() => undefined);
    return done;
  }

  private write(presets: readonly PresetDef[]): Promise<void> {
    return writeFileAtomic(this.file, `${JSON.stringify(presets, null, 2)}\n`);
  }
}
