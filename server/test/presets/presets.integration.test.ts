/**
 * Presets through the daemon, against the real podman service and registries: the loopback
 * registry's busybox index (listed: offered only as the platforms it lists), the built-in
 * docker.io list (unreachable here: offered unchecked, with the fix), the list kept in the data
 * dir, and a preset run as any image is, through POST /api/containers.
 *
 * binfmt_misc is a directory of the test's own (aarch64, s390x and riscv64 handlers), so what
 * "this host runs" is known exactly; the container itself runs through the kernel's handlers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerSummary, Preset } from '@archdeck/shared';
import type { EngineEvent } from '../../src/engine/events.js';
import { DEFAULT_PRESETS, loadPresetsFile } from '../../src/presets/definitions.js';
import { entryText } from '../emulators/fixtures.js';
import { buildTestApp, podmanClient, testEnv, type TestApp } from '../helper.js';

const env = testEnv();
const LOOPBACK = 'loopback-busybox';
/** Unique per run: other engineers' tests share this podman. */
const mine = (what: string) => `archdeck-presets-${what}-${process.pid}`;

let t: TestApp;
let dir: string;
const events: EngineEvent[] = [];
const created: string[] = [];

const presetsFile = () => join(t.config.dataDir, 'presets.json');
const onDisk = async () => JSON.parse(await readFile(presetsFile(), 'utf8')) as unknown[];

async function list(): Promise<Preset[]> {
  const res = await t.api({ url: '/api/presets' });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Preset[];
}

/** The preset once its image's index is known (listed or unchecked). */
async function settled(id: string): Promise<Preset> {
  let found: Preset | undefined;
  await expect
    .poll(
      async () => {
        found = (await list()).find((p) => p.id === id);
        return found?.index.state;
      },
      { timeout: 30_000 },
    )
    .toMatch(/^(listed|unchecked)$/);
  return found!;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archdeck-presets-test-'));
  const binfmtRoot = join(dir, 'binfmt_misc');
  const confDir = join(dir, 'binfmt.d');
  await mkdir(binfmtRoot);
  await mkdir(confDir);
  await writeFile(join(binfmtRoot, 'status'), 'enabled\n');
  await writeFile(join(binfmtRoot, 'register'), '');
  for (const arch of ['aarch64', 's390x', 'riscv64']) {
    await writeFile(join(binfmtRoot, `qemu-${arch}`), entryText(`debian-${arch}`));
  }
  await writeFile(
    join(dir, 'presets.json'),
    JSON.stringify([
      {
        id: LOOPBACK,
        title: 'BusyBox (loopback)',
        image: env.image,
        description: 'the test registry’s busybox',
        cmd: ['uname', '-m'],
      },
      DEFAULT_PRESETS.find((p) => p.id === 'ubuntu'),
    ]),
  );
  const file = join(dir, 'presets.json');
  t = await buildTestApp({
    podmanSocket: env.socket,
    registriesConf: env.registriesConf,
    binfmtRoot,
    binfmtConfDirs: [confDir],
    presets: loadPresetsFile(file),
    presetsFile: file,
  });
  t.app.engineEvents.subscribe((e) => {
    if (e.kind === 'preset') events.push(e);
  });
});

afterAll(async () => {
  for (const id of created) await t.api({ method: 'DELETE', url: `/api/containers/${id}` });
  await t.app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the presets list', () => {
  it('starts from the --presets file, written to the data dir for its owner only', async () => {
    expect(await onDisk()).toEqual(loadPresetsFile(join(dir, 'presets.json')));
    expect((await stat(presetsFile())).mode & 0o777).toBe(0o600);
  });

  it('offers the loopback busybox only as the platforms its index lists and this host runs', async () => {
    const preset = await settled(LOOPBACK);
    expect(preset.index).toMatchObject({ state: 'listed', problem: null });
    expect([...preset.index.platforms].sort()).toEqual([
      'linux/amd64',
      'linux/arm64',
      'linux/ppc64le',
      'linux/s390x',
    ]);
    // riscv64 runs here but is not listed; ppc64le is listed but has no handler here.
    expect(preset.platforms).toEqual([
      { platform: 'linux/arm64', run: 'emulated', emulatedBy: 'qemu-aarch64' },
      { platform: 'linux/s390x', run: 'emulated', emulatedBy: 'qemu-s390x' },
      { platform: 'linux/amd64', run: 'native', emulatedBy: null },
    ]);
    // The UI heard that the answer came (events notify, queries fetch).
    expect(events.some((e) => e.action === 'checked')).toBe(true);
  });

  it('offers an unreachable registry’s image unchecked, as every platform this host runs, and says what fixes it', async () => {
    const preset = await settled('ubuntu');
    expect(preset.index.state).toBe('unchecked');
    expect(preset.index.platforms).toEqual([]);
    expect(preset.platforms.map((p) => p.platform)).toEqual([
      'linux/arm64',
      'linux/riscv64',
      'linux/s390x',
      'linux/amd64',
    ]);
    const problem = preset.index.problem!;
    expect(problem.code).toBe('registry_unreachable');
    expect(problem.message).toMatch(/^cannot reach registry-1\.docker\.io: /);
    expect(problem.message).not.toMatch(/no such host|ENOTFOUND|getaddrinfo/);
    expect(problem.fix).toContain(
      `add a mirror of it that it can reach in a registries.conf drop-in such as \`${join(t.config.registriesConfDirs[0]!, '50-mirrors.conf')}\``,
    );
    expect(problem.fix).toContain('`prefix = "docker.io"`');
    expect(problem.fix).toContain('`[[registry.mirror]]`');
    expect(problem.fix).toContain('push the images to a local registry');
  });

  it('asks the registry again on demand', async () => {
    const before = (await settled('ubuntu')).index.checkedAt!;
    const res = await t.api({ method: 'POST', url: '/api/presets/ubuntu/check' });
    expect(res.statusCode, res.body).toBe(200);
    const preset = res.json() as Preset;
    expect(preset.index.state).toBe('unchecked');
    expect(Date.parse(preset.index.checkedAt!)).toBeGreaterThan(Date.parse(before));
    expect((await t.api({ method: 'POST', url: '/api/presets/nope/check' })).statusCode).toBe(404);
  });
});

describe('changing the presets', () => {
  const id = mine('edit');

  it('adds, edits and removes a preset, each change saved before it is answered', async () => {
    const add = await t.api({
      method: 'POST',
      url: '/api/presets',
      payload: { id, title: 'Mine', image: ` ${env.image} `, cmd: [] },
    });
    expect(add.statusCode, add.body).toBe(201);
    // Trimmed, no arguments as no command of its own, and what was left out filled in.
    const added = { id, title: 'Mine', image: env.image, description: '', cmd: null, tty: false };
    expect(add.json()).toMatchObject(added);
    expect(await onDisk()).toContainEqual(added);
    // The same image as another preset: its index is known already.
    expect((add.json() as Preset).index.state).toBe('listed');

    const edit = await t.api({
      method: 'PUT',
      url: `/api/presets/${id}`,
      payload: {
        title: 'Mine, edited',
        image: env.image,
        cmd: ['sh', '-c', 'uname -m'],
        tty: true,
      },
    });
    expect(edit.statusCode, edit.body).toBe(200);
    expect(await onDisk()).toContainEqual({
      id,
      title: 'Mine, edited',
      image: env.image,
      description: '',
      cmd: ['sh', '-c', 'uname -m'],
      tty: true,
    });

    expect((await t.api({ method: 'DELETE', url: `/api/presets/${id}` })).statusCode).toBe(204);
    expect((await onDisk()).some((p) => (p as Preset).id === id)).toBe(false);
    expect((await list()).some((p) => p.id === id)).toBe(false);
    expect((await t.api({ method: 'DELETE', url: `/api/presets/${id}` })).statusCode).toBe(404);
    expect(
      (
        await t.api({
          method: 'PUT',
          url: `/api/presets/${id}`,
          payload: { title: 'x', image: env.image },
        })
      ).statusCode,
    ).toBe(404);
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(['create', 'update', 'remove']),
    );
  });

  it.each([
    [
      'an id with capitals',
      { id: 'Bad_Id', title: 'x', image: 'busybox' },
      /the id is 1 to 64 lowercase letters/,
    ],
    [
      'a reference podman cannot pull',
      { id: 'x1', title: 'x', image: 'Busy Box::1' },
      /the image "Busy Box::1" is not a reference podman can pull/,
    ],
    [
      'cmd as one string',
      { id: 'x2', title: 'x', image: 'busybox', cmd: 'uname -m' },
      /cmd is the argv: a list of up to 256 strings/,
    ],
    [
      'a NUL byte in an argument',
      { id: 'x3', title: 'x', image: 'busybox', cmd: ['a\u0000b'] },
      /cmd is the argv/,
    ],
    [
      'a field presets do not have',
      { id: 'x4', title: 'x', image: 'busybox', privileged: true },
      /unknown field "privileged"/,
    ],
    ['no image', { id: 'x5', title: 'x' }, /image is required/],
    [
      'a blank title',
      { id: 'x6', title: '   ', image: 'busybox' },
      /the title is 1 to 80 characters/,
    ],
  ])('refuses %s with a 400 that says what is wrong', async (_, payload, message) => {
    const before = await onDisk();
    const res = await t.api({ method: 'POST', url: '/api/presets', payload });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'bad_request',
      message: expect.stringMatching(message),
    });
    expect(await onDisk()).toEqual(before);
  });

  it('refuses an id that is taken, a bad id in the URL, and a new id in an edit', async () => {
    const taken = await t.api({
      method: 'POST',
      url: '/api/presets',
      payload: { id: LOOPBACK, title: 'again', image: env.image },
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'preset_exists' });

    const badUrl = await t.api({
      method: 'PUT',
      url: '/api/presets/NOT_AN_ID',
      payload: { title: 'x', image: env.image },
    });
    expect(badUrl.statusCode).toBe(400);
    expect(badUrl.json().message).toMatch(/the id is 1 to 64 lowercase letters/);

    const rename = await t.api({
      method: 'PUT',
      url: `/api/presets/${LOOPBACK}`,
      payload: { id: 'renamed', title: 'x', image: env.image },
    });
    expect(rename.statusCode).toBe(400);
    expect(rename.json().message).toMatch(/unknown field "id"/);
  });
});

describe('a preset behind a mirror', () => {
  it('is listed through the mirror a registries.conf drop-in gives its registry, as podman would pull it', async () => {
    // docker.io is out of reach here; the loopback registry serves as its mirror, configured in
    // a drop-in only (registries.conf.d), where the Registries page says mirrors belong.
    const dropIns = join(dir, 'mirror-drop-ins');
    await mkdir(dropIns);
    await writeFile(
      join(dropIns, '50-mirrors.conf'),
      `[[registry]]\nprefix = "docker.io"\nlocation = "docker.io"\n[[registry.mirror]]\nlocation = "${env.registry}"\ninsecure = true\n`,
    );
    const mirrored = await buildTestApp({
      podmanSocket: env.socket,
      registriesConf: env.registriesConf,
      registriesConfDirs: [dropIns],
      presets: DEFAULT_PRESETS.filter((p) => p.id === 'busybox'),
      presetsFile: null,
    });
    try {
      let busybox: Preset | undefined;
      await expect
        .poll(
          async () => {
            const res = await mirrored.api({ url: '/api/presets' });
            busybox = (res.json() as Preset[]).find((p) => p.id === 'busybox');
            return busybox?.index.state;
          },
          { timeout: 30_000 },
        )
        .toBe('listed');
      expect(busybox!.image).toBe('docker.io/library/busybox:1.36');
      expect([...busybox!.index.platforms].sort()).toEqual([
        'linux/amd64',
        'linux/arm64',
        'linux/ppc64le',
        'linux/s390x',
      ]);
    } finally {
      await mirrored.app.close();
    }
  });
});

describe('running a preset', () => {
  it('goes through POST /api/containers like any run, as the platform chosen', async () => {
    const preset = (await list()).find((p) => p.id === LOOPBACK)!;
    const res = await t.api({
      method: 'POST',
      url: '/api/containers',
      payload: {
        image: preset.image,
        platform: 'linux/arm64',
        cmd: preset.cmd ?? undefined,
        tty: preset.tty,
        name: mine('run'),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json() as ContainerSummary;
    created.push(c.id);
    expect(c.platform).toBe('linux/arm64');
    const logs = async () => {
      const buf = (await podmanClient()
        .getContainer(c.id)
        .logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      return buf.toString('latin1');
    };
    await expect.poll(logs, { timeout: 60_000 }).toContain('aarch64');
    // One way to run: the old preset-run route is gone.
    const old = await t.api({
      method: 'POST',
      url: `/api/presets/${LOOPBACK}/run`,
      payload: { platform: 'linux/arm64' },
    });
    expect(old.statusCode).toBe(404);
  });
});
