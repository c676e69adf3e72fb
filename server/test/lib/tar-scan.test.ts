import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tarArchive } from '../../src/lib/tar.js';
import { normaliseTarName, TarError, TarScanner } from '../../src/lib/tar-scan.js';

const run = promisify(execFile);

/** Feeds `archive` to a scanner in pieces cut at `cuts`. */
function scan(archive: Buffer, cuts: number[] = [], keep = ['Containerfile'], maxKeep = 1 << 20) {
  const scanner = new TarScanner({ keep, maxKeep });
  let at = 0;
  for (const cut of [...cuts, archive.length]) {
    scanner.push(archive.subarray(at, cut));
    at = cut;
  }
  scanner.end();
  return scanner;
}

const LONG_DIR = `deep/${'d'.repeat(90)}/${'e'.repeat(60)}`;
const LONG_NAME = `long/${'n'.repeat(150)}.txt`;
const CONTAINERFILE = 'FROM scratch\nCOPY probe /probe\n';

let dir: string;
/** Archives of the same folder as GNU tar writes them, by format. */
const gnu = new Map<string, Buffer>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archdeck-tarscan-'));
  const src = join(dir, 'src');
  await mkdir(join(src, LONG_DIR), { recursive: true });
  await mkdir(join(src, 'long'), { recursive: true });
  await writeFile(join(src, 'Containerfile'), CONTAINERFILE);
  await writeFile(join(src, LONG_DIR, 'file'), 'x'.repeat(700));
  await writeFile(join(src, LONG_NAME), 'long');
  await writeFile(join(src, 'empty'), '');
  for (const format of ['gnu', 'pax', 'ustar-ish']) {
    const out = join(dir, `${format}.tar`);
    // ustar cannot hold the 155-character name: that archive leaves it out.
    const args =
      format === 'ustar-ish'
        ? ['--format=ustar', '-C', src, '-cf', out, 'Containerfile', LONG_DIR, 'empty']
        : [`--format=${format}`, '-C', src, '-cf', out, '.'];
    await run('tar', args);
    gnu.set(format, await readFile(out));
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('TarScanner on what GNU tar writes', () => {
  it.each(['gnu', 'pax'])(
    'lists every file of a --format=%s archive, long names whole',
    (format) => {
      const s = scan(gnu.get(format)!);
      expect(s.ended).toBe(true);
      expect([...s.names].sort()).toEqual(
        ['Containerfile', `${LONG_DIR}/file`, LONG_NAME, 'empty'].sort(),
      );
      expect(s.kept.get('Containerfile')?.data.toString()).toBe(CONTAINERFILE);
    },
  );

  it('joins a ustar name prefix and its name', () => {
    const s = scan(gnu.get('ustar-ish')!);
    expect(s.names).toContain(`${LONG_DIR}/file`);
  });

  it('reads the same at every split offset', () => {
    for (const format of ['gnu', 'pax']) {
      const archive = gnu.get(format)!;
      const whole = scan(archive);
      for (let cut = 1; cut < archive.length; cut += 7) {
        const s = scan(archive, [cut]);
        expect(s.names, `${format} cut at ${cut}`).toEqual(whole.names);
        expect(s.kept.get('Containerfile')?.data.toString()).toBe(CONTAINERFILE);
      }
    }
  });

  it('refuses bytes that are not tar, and an archive cut inside an entry', () => {
    expect(() => scan(Buffer.from('not a tar'.repeat(100)))).toThrow(TarError);
    const archive = gnu.get('gnu')!;
    const cut = new TarScanner({ keep: [], maxKeep: 0 });
    cut.push(archive.subarray(0, 700));
    expect(() => cut.end()).toThrow(/middle of an entry/);
  });
});

describe('TarScanner on archives of our own writer', () => {
  it('keeps at most maxKeep bytes of a file and says it was cut', () => {
    const s = scan(
      tarArchive([{ name: 'Containerfile', data: Buffer.alloc(5000, 0x41) }]),
      [],
      ['Containerfile'],
      1000,
    );
    expect(s.kept.get('Containerfile')).toMatchObject({ cut: true });
    expect(s.kept.get('Containerfile')?.data.length).toBe(1000);
  });

  it('finds the same names and content however the stream is cut (property)', () => {
    const file = fc.record({
      name: fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}(\/[a-z][a-z0-9_-]{0,20}){0,2}$/),
      data: fc.uint8Array({ maxLength: 1500 }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(file, { minLength: 1, maxLength: 6, selector: (f) => f.name }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (files, rawCuts) => {
          const archive = tarArchive(
            files.map((f) => ({ name: f.name, data: Buffer.from(f.data) })),
          );
          const cuts = [...new Set(rawCuts.map((c) => c % archive.length))].sort((a, b) => a - b);
          const s = scan(archive, cuts, [files[0]!.name]);
          expect(s.names).toEqual(files.map((f) => normaliseTarName(f.name)));
          expect(s.kept.get(files[0]!.name)?.data).toEqual(Buffer.from(files[0]!.data));
        },
      ),
    );
  });
});

describe('normaliseTarName', () => {
  it.each([
    ['./Containerfile', 'Containerfile'],
    ['a//b/', 'a/b'],
    ['./', ''],
  ])('%j → %j', (name, expected) => {
    expect(normaliseTarName(name)).toBe(expected);
  });
});
