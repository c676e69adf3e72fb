/**
 * The smoke-test probes ship built in server/probes/bin, so `npm start` needs no compiler. These
 * tests hold the committed files to what they claim: one static binary per platform the
 * daemon can test, a few KB each, listed in MANIFEST; and scripts/build-probes.sh, run again
 * with the compilers installed (scripts/testenv.sh installs them), gives the same bytes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Emulators } from '@archdeck/shared';
import { parseElf } from '../../src/emulators/elf.js';
import { ARCHES, archForIdent } from '../../src/emulators/platforms.js';
import { buildTestApp } from '../helper.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BIN = join(REPO, 'server/probes/bin');
/** "A few KB": the freestanding probes are 1-2 KB; a C library would make them hundreds. */
const MAX_SIZE = 4096;

/** Every OCI architecture of the emulator table but loong64, which Debian cannot compile for. */
const EXPECTED = ARCHES.flatMap((a) => (a.platform ? [a.platform.split('/')[1]!] : []))
  .filter((arch) => arch !== 'loong64')
  .sort();

interface ManifestLine {
  file: string;
  size: number;
  sha256: string;
  /** The compiler and the linker, as their --version says. */
  tools: string;
}

function parseManifest(text: string): ManifestLine[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [head = '', ...tools] = line.split(' | ');
      const [file = '', size = '', sha256 = ''] = head.split(' ');
      return { file, size: Number(size), sha256, tools: tools.join(' | ') };
    });
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const probeFiles = async (dir: string) =>
  (await readdir(dir)).filter((name) => name.startsWith('probe-')).sort();

describe('the committed probes', () => {
  it('are one per platform the daemon can test, each listed in MANIFEST as it is', async () => {
    expect(await probeFiles(BIN)).toEqual(EXPECTED.map((arch) => `probe-${arch}`).sort());
    const manifest = parseManifest(await readFile(join(BIN, 'MANIFEST'), 'utf8'));
    expect(manifest.map((m) => m.file).sort()).toEqual(await probeFiles(BIN));
    for (const m of manifest) {
      const data = await readFile(join(BIN, m.file));
      expect({ file: m.file, size: data.length, sha256: sha256(data) }).toEqual({
        file: m.file,
        size: m.size,
        sha256: m.sha256,
      });
      expect(m.tools, m.file).toMatch(/gcc .* \| GNU ld /);
    }
  });

  it.each(EXPECTED)(
    'probe-%s is a static ELF executable for its platform, a few KB',
    async (arch) => {
      const data = await readFile(join(BIN, `probe-${arch}`));
      expect(data.length).toBeLessThanOrEqual(MAX_SIZE);
      const elf = parseElf(data);
      // The same check the daemon makes before it runs one (smoke-test.ts).
      expect(archForIdent(elf.ident, elf.eFlags)?.platform).toBe(`linux/${arch}`);
      expect(elf).toMatchObject({ type: 'EXEC', linkage: ['static'], loader: null });
    },
  );

  it('are what the daemon offers to test by default', async () => {
    const t = await buildTestApp({ podmanSocket: '/nonexistent.sock' }, {});
    try {
      expect(t.config.probesDir).toBe(BIN);
      const s = (await t.api({ url: '/api/emulators' })).json() as Emulators;
      expect(s.smokeTests?.probes).toEqual(EXPECTED);
    } finally {
      await t.app.close();
    }
  });
});

describe('npm start', () => {
  it('installs no compiler and builds no probe: they ship built', async () => {
    const start = await readFile(join(REPO, 'scripts/start.sh'), 'utf8');
    expect(start).not.toMatch(/build-probes/);
    const installed = [...start.matchAll(/^\s*ensure_packages (.*?)(\|\||$)/gm)].flatMap((m) =>
      m[1]!.trim().split(/\s+/),
    );
    expect(installed).toContain('podman');
    const { stdout } = await run('bash', ['scripts/build-probes.sh', '--packages'], { cwd: REPO });
    const compilers = stdout.split('\n').filter(Boolean);
    expect(compilers).toContain('gcc-aarch64-linux-gnu');
    expect(installed.filter((p) => compilers.includes(p) || /^(gcc|libc6-dev)/.test(p))).toEqual(
      [],
    );
  });
});

describe('scripts/build-probes.sh', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'archdeck-probes-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it('rebuilds the committed probes bit for bit', async () => {
    // Fails with the apt-get command when a compiler is missing: scripts/testenv.sh installs
    // them, and `bash scripts/build-probes.sh --install` does too.
    await run('bash', ['scripts/build-probes.sh', '--out', out], { cwd: REPO });
    const committed = parseManifest(await readFile(join(BIN, 'MANIFEST'), 'utf8'));
    const rebuilt = new Map(
      parseManifest(await readFile(join(out, 'MANIFEST'), 'utf8')).map((m) => [m.file, m]),
    );
    expect(await probeFiles(out)).toEqual(await probeFiles(BIN));
    for (const m of committed) {
      const data = await readFile(join(out, m.file));
      // Other compilers may well give other bytes: the message names both, and the fix is to
      // run the script without --out and commit the probes with their MANIFEST.
      const tools = `built by ${m.tools}, rebuilt by ${rebuilt.get(m.file)?.tools}`;
      expect(sha256(data), `${m.file}: ${tools}`).toBe(m.sha256);
    }
  });
});
