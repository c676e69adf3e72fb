/**
 * The Emulators API against the real /proc/sys/fs/binfmt_misc. Test handlers get names that
 * cannot clash (archdeck-test-<random>) and are removed afterwards; the kernel is checked
 * after every step, and the host-wide binfmt_misc lock (test/binfmt-state.ts) keeps other test
 * files from changing it meanwhile.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { ElfReport, Emulators, EmulatorEntry } from '@archdeck/shared';
import { arrangeBinfmt, PROC, type BinfmtArrangement } from './binfmt-state.js';
import { buildTestApp, ORIGIN, testEnv, type TestApp } from './helper.js';

const run = promisify(execFile);
const RISCV = '/usr/libexec/qemu-binfmt/riscv64-binfmt-P';
const id = randomBytes(4).toString('hex');
const NAME = `archdeck-test-${id}`;
const HOST_ONLY = `archdeck-test-${id}-noF`;

let t: TestApp;
let confDir: string;
let binfmt: BinfmtArrangement | undefined;

const ELF_FIXTURE = (name: string) => new URL(`./fixtures/elf/hello-${name}.head`, import.meta.url);
const kernel = () => readdir(PROC).then((names) => names.sort());
const entryText = (name: string) => readFile(join(PROC, name), 'utf8');

async function state(app: TestApp = t): Promise<Emulators> {
  const res = await app.api({ url: '/api/emulators' });
  expect(res.statusCode).toBe(200);
  return res.json() as Emulators;
}
const entry = async (name: string): Promise<EmulatorEntry | undefined> =>
  (await state()).entries.find((e) => e.name === name);

const send = (method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, app: TestApp = t) =>
  app.api({
    method,
    url,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    payload: body === undefined ? undefined : JSON.stringify(body),
  });

beforeAll(async () => {
  testEnv();
  // Nothing to arrange: these tests work with whatever the host registers, but no other file
  // may change it under them.
  binfmt = await arrangeBinfmt({});
  confDir = await mkdtemp(join(tmpdir(), 'archdeck-binfmt.d-'));
  t = await buildTestApp({
    podmanSocket: '/nonexistent.sock',
    binfmtConfDirs: [confDir, '/usr/lib/binfmt.d'],
  });
});

afterAll(async () => {
  try {
    for (const name of await kernel()) {
      if (name.startsWith(`archdeck-test-${id}`)) await writeFile(join(PROC, name), '-1');
    }
    await t.app.close();
    await rm(confDir, { recursive: true, force: true });
  } finally {
    await binfmt?.restore();
  }
});

describe('GET /api/emulators', () => {
  it('lists every kernel entry, decoded and judged', async () => {
    const s = await state();
    const names = (await kernel()).filter((n) => n !== 'register' && n !== 'status');
    expect(s.entries.map((e) => e.name).sort()).toEqual(names);
    expect(s.mounted).toBe(true);
    expect(s.globallyEnabled).toBe(true);
    expect(s.hostPlatform).toBe('linux/amd64');

    // The test environment registers Debian's qemu-aarch64 (POF, static wrapper).
    const arm = s.entries.find((e) => e.name === 'qemu-aarch64')!;
    expect(arm).toMatchObject({
      enabled: true,
      type: 'magic',
      offset: 0,
      platform: 'linux/arm64',
      interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
      flags: 'POF',
      verdict: 'container-ready',
      drift: 'both',
      persistedIn: '/usr/lib/binfmt.d/qemu-aarch64.conf',
    });
    expect(arm.elf).toEqual({
      class: 64,
      byteOrder: 'little',
      machine: 183,
      machineName: expect.any(String),
    });
    expect(arm.flagInfo.map((f) => f.letter)).toEqual(['P', 'O', 'F']);
    expect(arm.interpreterHealth).toMatchObject({
      exists: true,
      executable: true,
      linkage: 'static',
      resolvedPath: '/usr/bin/qemu-aarch64-static',
      qemuVersion: expect.stringMatching(/^\d+\.\d+/),
    });
    const { stdout } = await run('/usr/bin/qemu-aarch64-static', ['--version']);
    expect(stdout).toContain(arm.interpreterHealth.qemuVersion!);
    expect(arm.magic).toBe((await entryText('qemu-aarch64')).match(/^magic (\w+)$/m)![1]);

    expect(s.summary.native).toContain('linux/amd64');
    expect(s.summary.containers).toEqual(
      expect.arrayContaining(['linux/arm64', 'linux/ppc64le', 'linux/s390x']),
    );
    expect(s.platforms.find((p) => p.platform === 'linux/amd64')!.state).toBe('native');
    expect(s.installations).toContainEqual(
      expect.objectContaining({
        path: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P',
        platform: 'linux/arm64',
        kind: 'wrapper',
      }),
    );
    expect(s.installations).toContainEqual(
      expect.objectContaining({
        path: '/usr/bin/qemu-aarch64-static',
        platform: 'linux/arm64',
        kind: 'static',
      }),
    );
  });
});

describe('changing handlers', () => {
  it('registers a platform from the built-in table and reads it back decoded', async () => {
    const res = await send('POST', '/api/emulators', {
      platform: 'linux/riscv64',
      interpreter: RISCV,
      flags: 'POF',
      name: NAME,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ name: NAME });

    const text = await entryText(NAME);
    expect(text).toMatch(/^enabled$/m);
    expect(text).toContain(`interpreter ${RISCV}`);
    expect(text).toMatch(/^flags: POF$/m);
    expect(text).toContain('magic 7f454c460201010000000000000000000200f300');

    expect(await entry(NAME)).toMatchObject({
      platform: 'linux/riscv64',
      verdict: 'container-ready',
      drift: 'live-only',
      persistedIn: null,
    });
  });

  it('refuses a name clash with 409 naming the existing interpreter, and changes nothing', async () => {
    const before = await kernel();
    const res = await send('POST', '/api/emulators', {
      platform: 'linux/s390x',
      interpreter: '/usr/libexec/qemu-binfmt/s390x-binfmt-P',
      flags: 'POF',
      name: NAME,
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain(RISCV);
    expect(await kernel()).toEqual(before);
    expect(await entryText(NAME)).toContain(`interpreter ${RISCV}`);
  });

  it('disables and enables that entry only', async () => {
    const armBefore = await entryText('qemu-aarch64');
    expect((await send('POST', `/api/emulators/${NAME}/disable`)).statusCode).toBe(204);
    expect(await entryText(NAME)).toMatch(/^disabled$/m);
    expect((await entry(NAME))!.verdict).toBe('disabled');
    expect(await entryText('qemu-aarch64')).toBe(armBefore);

    expect((await send('POST', `/api/emulators/${NAME}/enable`)).statusCode).toBe(204);
    expect(await entryText(NAME)).toMatch(/^enabled$/m);
  });

  it('persists to binfmt.d, shows the drift, and unpersists', async () => {
    expect((await send('PUT', `/api/emulators/${NAME}/persist`)).statusCode).toBe(204);
    const file = join(confDir, `${NAME}.conf`);
    const line = (await readFile(file, 'utf8')).split('\n').find((l) => l.startsWith(':'))!;
    expect(line).toBe(
      `:${NAME}:M::\\x7f\\x45\\x4c\\x46\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xf3\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:${RISCV}:POF`,
    );
    expect(await entry(NAME)).toMatchObject({ drift: 'both', persistedIn: file });

    // The same name persisted with other flags is drift.
    await writeFile(file, line.replace(/:POF$/, ':OF') + '\n');
    expect((await entry(NAME))!.drift).toBe('different');

    expect((await send('DELETE', `/api/emulators/${NAME}/persist`)).statusCode).toBe(204);
    await expect(readFile(file)).rejects.toThrow();
    expect((await entry(NAME))!.drift).toBe('live-only');
  });

  it('reports a package-owned persisted entry as not ours to unpersist', async () => {
    const res = await send('DELETE', '/api/emulators/qemu-aarch64/persist');
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toContain('/usr/lib/binfmt.d/qemu-aarch64.conf');
  });

  it('judges a handler without F host-only', async () => {
    const res = await send('POST', '/api/emulators', {
      platform: 'linux/riscv64',
      interpreter: RISCV,
      flags: 'PO',
      name: HOST_ONLY,
    });
    expect(res.statusCode).toBe(201);
    const e = (await entry(HOST_ONLY))!;
    expect(e.verdict).toBe('host-only');
    expect(e.verdictReason).toMatch(/F flag/);
    const s = await state();
    expect(s.platforms.find((p) => p.platform === 'linux/riscv64')).toMatchObject({
      duplicate: true,
      state: 'container-ready',
    });
  });

  it('removes entries', async () => {
    for (const name of [HOST_ONLY, NAME]) {
      expect((await send('DELETE', `/api/emulators/${name}`)).statusCode).toBe(204);
      expect(await kernel()).not.toContain(name);
    }
    const gone = await send('POST', `/api/emulators/${NAME}/enable`);
    expect(gone.statusCode).toBe(404);
  });
});

describe('bad input changes nothing', () => {
  const base = { platform: 'linux/riscv64', interpreter: RISCV, flags: 'POF', name: `${NAME}-bad` };
  it.each([
    ['an unknown platform', { platform: 'linux/vax' }, /Unknown platform/],
    [
      'the native platform',
      { platform: 'linux/amd64', interpreter: '/usr/bin/qemu-x86_64-static' },
      /own architecture/,
    ],
    ['an interpreter that was not found', { interpreter: '/bin/sh' }, /not a qemu interpreter/],
    [
      "another platform's interpreter",
      { interpreter: '/usr/libexec/qemu-binfmt/aarch64-binfmt-P' },
      /not a qemu interpreter/,
    ],
    ['unknown flags', { flags: 'X' }, /flags/],
    ['repeated flags', { flags: 'FF' }, /repeat/],
    [
      'P with an interpreter that does not understand it',
      { interpreter: '/usr/bin/qemu-riscv64-static' },
      /P flag/,
    ],
    ['C without the acknowledgement', { flags: 'OCF' }, /C flag/],
    ['a name with a slash', { name: 'a/b' }, /name/],
    ['a name with a control character', { name: 'a\u0001b' }, /name/],
    ['an over-long name', { name: 'a'.repeat(300) }, /name/],
    // The control files beside the entries: writing to them acts on every handler.
    ['the name "status"', { name: 'status' }, /name/],
    ['the name "register"', { name: 'register' }, /name/],
    ['a raw register line', { line: ':x:M::\\x7f:\\xff:/bin/sh:F' }, /additional|line/i],
  ])('%s → 400', async (_what, patch, message) => {
    const before = await kernel();
    const res = await send('POST', '/api/emulators', { ...base, ...patch });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(message);
    expect(await kernel()).toEqual(before);
  });

  it('rejects bad entry names in the URL', async () => {
    for (const url of [
      '/api/emulators/status/disable',
      '/api/emulators/..%2Fregister/enable',
      '/api/emulators/register',
    ]) {
      const res = await send(url.endsWith('register') ? 'DELETE' : 'POST', url);
      expect([400, 404]).toContain(res.statusCode);
    }
    expect((await readFile(join(PROC, 'status'), 'utf8')).trim()).toBe('enabled');
  });
});

describe('without root', () => {
  it('answers 403 with the exact command to run, and changes nothing', async () => {
    const user = await buildTestApp({
      podmanSocket: '/nonexistent.sock',
      isRoot: false,
      binfmtConfDirs: [confDir],
    });
    try {
      const before = await kernel();
      const reg = await send(
        'POST',
        '/api/emulators',
        { platform: 'linux/riscv64', interpreter: RISCV, flags: 'POF', name: NAME },
        user,
      );
      expect(reg.statusCode).toBe(403);
      expect(reg.json().message).toContain(`printf '%s' ':${NAME}:M::\\x7f\\x45\\x4c\\x46`);
      expect(reg.json().message).toContain('| sudo tee /proc/sys/fs/binfmt_misc/register');
      const dis = await send('POST', '/api/emulators/qemu-aarch64/disable', undefined, user);
      expect(dis.statusCode).toBe(403);
      expect(dis.json().message).toContain(
        'echo 0 | sudo tee /proc/sys/fs/binfmt_misc/qemu-aarch64',
      );
      expect(await kernel()).toEqual(before);
      expect((await state(user)).canChange).toBe(false);
    } finally {
      await user.app.close();
    }
  });
});

describe('mount', () => {
  it('mounts binfmt_misc where it is not mounted', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-mount-'));
    const m = await buildTestApp({ podmanSocket: '/nonexistent.sock', binfmtRoot: dir });
    try {
      expect((await state(m)).mounted).toBe(false);
      expect((await send('POST', '/api/emulators/mount', undefined, m)).statusCode).toBe(204);
      const s = await state(m);
      expect(s.mounted).toBe(true);
      expect(s.entries.map((e) => e.name)).toContain('qemu-aarch64');
    } finally {
      await m.app.close();
      await run('umount', [dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('POST /api/elf', () => {
  const inspect = (body: Buffer, type = 'application/octet-stream') =>
    t.api({
      method: 'POST',
      url: '/api/elf',
      headers: { 'content-type': type, origin: ORIGIN },
      payload: body,
    });

  it('says the host runs its own binaries natively', async () => {
    // As the UI does: the first MiB holds the headers the inspector needs.
    const res = await inspect((await readFile(process.execPath)).subarray(0, 1 << 20));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      platform: 'linux/amd64',
      runs: 'native',
      linkage: ['dynamic'],
      handler: null,
    });
  });

  it('says the kernel hands a foreign binary to its handler', async () => {
    const res = await inspect(await readFile(ELF_FIXTURE('aarch64-dynamic')));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      platform: 'linux/arm64',
      runs: 'handler',
      handler: 'qemu-aarch64',
      linkage: ['dynamic'],
      loader: '/lib/ld-linux-aarch64.so.1',
      unread: [],
    });
  });

  it('reports a binary cut before its loader path, saying what it could not read', async () => {
    // readelf -l: INTERP at 0x238, 0x1b bytes: one byte short of it.
    const head = (await readFile(ELF_FIXTURE('aarch64-dynamic'))).subarray(0, 0x238 + 0x1a);
    const res = await inspect(head);
    expect(res.statusCode).toBe(200);
    const report = res.json() as ElfReport;
    expect(report).toMatchObject({
      platform: 'linux/arm64',
      runs: 'handler',
      linkage: ['dynamic', 'shared-library'],
      loader: null,
      unread: ['loader', 'dynamic-section'],
    });
    expect(report.explanation).toMatch(/its path, PT_INTERP, lies past the 594 bytes sent/);
  });

  it('says a shared library is not run by itself, and that the kernel refuses a .o', async () => {
    const library = (await inspect(await readFile(ELF_FIXTURE('aarch64-shared')))).json();
    expect(library).toMatchObject({ linkage: ['shared-library'], runs: 'handler' });
    expect(library.explanation).toMatch(/it is not run by itself/);
    // binfmt_elf loads EXEC and DYN files only, native or not.
    const object = (await inspect(await readFile(ELF_FIXTURE('x86_64-object')))).json();
    expect(object).toMatchObject({ linkage: ['relocatable'], runs: 'none', handler: null });
    expect(object.explanation).toMatch(/to be linked .* "exec format error"/);
  });

  it('refuses what is not ELF, and bodies that are not octet-stream', async () => {
    const res = await inspect(Buffer.from('#!/bin/sh\necho hi\n'));
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('not_elf');
    const text = await inspect(Buffer.from('x'), 'text/plain');
    expect(text.statusCode).toBe(415);
  });
});
