/**
 * The presets kept in the data dir, on a real file system: seeded once, kept across restarts,
 * each change on disk before it counts, a damaged file refused with what to do.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PRESETS, loadPresetsFile, type PresetDef } from '../../src/presets/definitions.js';
import { PRESETS_FILE, PresetStore } from '../../src/presets/store.js';
import { StartupError } from '../../src/lib/errors.js';

const preset = (id: string, title = id): PresetDef => ({
  id,
  title,
  image: `127.0.0.1:5111/library/${id}:1`,
  description: '',
  cmd: null,
  tty: false,
});

let dir: string;
const file = () => join(dir, PRESETS_FILE);
const onDisk = async () => JSON.parse(await readFile(file(), 'utf8')) as PresetDef[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archdeck-preset-store-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('PresetStore', () => {
  it('seeds the data dir on the first start, for its owner only, and keeps it after', async () => {
    const first = await PresetStore.open(dir, DEFAULT_PRESETS);
    expect(first.seeded).toBe(true);
    expect(await onDisk()).toEqual(DEFAULT_PRESETS);
    expect((await stat(file())).mode & 0o777).toBe(0o600);

    await first.store.remove('ubuntu');
    const again = await PresetStore.open(dir, [preset('other')]);
    expect(again.seeded).toBe(false);
    expect(again.store.list().map((p) => p.id)).toEqual(['debian', 'alpine', 'busybox']);
  });

  it('keeps an emptied list empty', async () => {
    const { store } = await PresetStore.open(dir, [preset('a')]);
    await store.remove('a');
    expect((await PresetStore.open(dir, [preset('a')])).store.list()).toEqual([]);
  });

  it('applies changes one at a time, each on disk, leaving no temporary file', async () => {
    const { store } = await PresetStore.open(dir, []);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => store.add(preset(id))));
    await store.replace(preset('c', 'C'));
    expect(await onDisk()).toEqual([
      preset('a'),
      preset('b'),
      preset('c', 'C'),
      preset('d'),
      preset('e'),
    ]);
    await expect(store.add(preset('a'))).rejects.toMatchObject({ statusCode: 409 });
    await expect(store.replace(preset('zz'))).rejects.toMatchObject({ statusCode: 404 });
    await expect(store.remove('zz')).rejects.toMatchObject({ statusCode: 404 });
    // A refused change leaves the next one working.
    await store.remove('e');
    expect((await onDisk()).map((p) => p.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(await readdir(dir)).toEqual([PRESETS_FILE]);
  });

  it.each([
    ['not JSON', '[{"id": ', /is not a valid list of presets/],
    ['not a list', '{"id": "a"}', /it must hold a JSON array of presets/],
    ['an entry without an image', '[{"id": "a", "title": "A"}]', /entry 0: image is required/],
    [
      'an id used twice',
      JSON.stringify([preset('a'), preset('a')]),
      /entry 1: the id "a" is used twice/,
    ],
  ])('refuses to start on a file that is %s, saying how to go on', async (_, text, message) => {
    await writeFile(file(), text);
    const err = await PresetStore.open(dir, DEFAULT_PRESETS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(`${file()} is not a valid list of presets`);
    expect((err as Error).message).toMatch(/correct it, or remove it/);
    // Left as it was, for the user to correct.
    expect(await readFile(file(), 'utf8')).toBe(text);
  });
});

describe('loadPresetsFile', () => {
  it('is the built-in list without a file', () => {
    expect(loadPresetsFile(null)).toBe(DEFAULT_PRESETS);
  });

  it('takes the README format, filling in what may be left out', async () => {
    const path = join(dir, 'presets.json');
    await writeFile(
      path,
      JSON.stringify([
        { id: 'bb', title: 'BusyBox', image: 'busybox:1.36', cmd: ['sh'], tty: true },
      ]),
    );
    expect(loadPresetsFile(path)).toEqual([
      {
        id: 'bb',
        title: 'BusyBox',
        image: 'busybox:1.36',
        description: '',
        cmd: ['sh'],
        tty: true,
      },
    ]);
  });

  it('names the file, the entry and the field that is wrong', async () => {
    const path = join(dir, 'presets.json');
    await writeFile(path, JSON.stringify([preset('ok'), { ...preset('bad'), cmd: 'sh -c x' }]));
    expect(() => loadPresetsFile(path)).toThrow(
      `presets file ${path}: entry 1: cmd is the argv: a list of up to 256 strings`,
    );
  });
});
