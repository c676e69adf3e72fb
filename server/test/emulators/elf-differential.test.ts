/**
 * The ELF inspector against readelf and file(1), over the ELF files of every architecture on
 * this machine: Debian's own and the cross toolchains' under /usr/<triplet>/ (the probes' cross
 * compilers bring their C libraries: scripts/build-probes.sh, which `npm test` runs). Each file
 * goes to POST /api/elf as the UI sends it, its first MiB; readelf and file read it whole.
 *
 * Where the part sent cannot settle a fact, the inspector must say so, and only then: readelf's
 * own offsets must show that what decides it lies past the part sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ELF_HEAD_BYTES, type ElfLinkage, type ElfReport } from '@archdeck/shared';
import { buildTestApp, ORIGIN, type TestApp } from '../helper.js';

const run = promisify(execFile);

/** Files compared at most; every kind of file found gets its turn before any gets a second (sample). */
const MAX_FILES = 2000;
/** Files per readelf or file run: well below the kernel's limit on argument length. */
const BATCH = 200;

const ROOTS = [
  '/usr/bin',
  '/usr/sbin',
  '/usr/lib',
  '/usr/lib32',
  '/usr/lib64',
  '/usr/libx32',
  '/usr/libexec',
  '/usr/local',
  fileURLToPath(new URL('../../probes/dist', import.meta.url)),
];
/**
 * Separate debug information (…/.build-id/xx/….debug): the headers of a binary whose contents
 * were left out, so its PT_INTERP and PT_DYNAMIC have no bytes: nothing to run or to inspect.
 */
const SKIPPED = ['/usr/lib/debug'];

/** readelf's names for e_machine (binutils' readelf.c, get_machine_name). */
const READELF_MACHINES = new Map([
  ['Sparc', 2],
  ['Intel 80386', 3],
  ['MC68000', 4],
  ['MIPS R3000', 8],
  ['HPPA', 15],
  ['Sparc v8+', 18],
  ['PowerPC', 20],
  ['PowerPC64', 21],
  ['IBM S/390', 22],
  ['ARM', 40],
  ['Renesas / SuperH SH', 42],
  ['Sparc v9', 43],
  ['Intel IA-64', 50],
  ['Advanced Micro Devices X86-64', 62],
  ['AArch64', 183],
  ['RISC-V', 243],
  ['LoongArch', 258],
]);

interface Candidate {
  path: string;
  size: number;
  /** e_ident's class and byte order bytes, e_machine, e_type. */
  ident: string;
}

/** A segment as readelf -l lists it. */
interface Segment {
  offset: number;
  fileSize: number;
}

/** What readelf and file say about one whole file, in the inspector's terms. */
interface Truth {
  readelf: {
    class: number;
    byteOrder: string;
    machine: number | string;
    machineName: string;
    type: string;
    linkage: ElfLinkage | string;
    loader: string | null;
    programHeaders: Segment | null;
    interp: Segment | null;
    dynamic: Segment | null;
  };
  file: { class: number; byteOrder: string; linkage: ElfLinkage | string; loader: string | null };
}

interface Disagreement {
  path: string;
  field: string;
  inspector: unknown;
  readelf: unknown;
  file: unknown;
}

function* walk(dir: string): Generator<string> {
  if (SKIPPED.includes(dir)) return;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    // Symbolic links are skipped: their targets are walked where they live.
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}

/**
 * The ELF files under ROOTS and /usr/<triplet>/, each inode once. Tens of thousands of files
 * are opened for 20 bytes each: synchronous calls do it several times faster than promises.
 */
function findElfFiles(): Candidate[] {
  const roots = [
    ...ROOTS,
    ...readdirSync('/usr')
      .filter((d) => d.includes('-linux-'))
      .map((d) => `/usr/${d}`),
  ];
  const seen = new Set<string>();
  const found: Candidate[] = [];
  const buf = Buffer.alloc(20);
  const u16 = (at: number) => (buf[5] === 1 ? buf.readUInt16LE(at) : buf.readUInt16BE(at));
  for (const root of roots) {
    for (const path of walk(root)) {
      let fd;
      try {
        fd = openSync(path, 'r');
      } catch {
        continue;
      }
      try {
        if (readSync(fd, buf, 0, 20, 0) < 20 || buf.readUInt32BE(0) !== 0x7f454c46) continue;
        const st = fstatSync(fd);
        if (seen.has(`${st.dev}:${st.ino}`)) continue;
        seen.add(`${st.dev}:${st.ino}`);
        found.push({ path, size: st.size, ident: `${buf[4]}/${buf[5]}/${u16(18)}/${u16(16)}` });
      } finally {
        closeSync(fd);
      }
    }
  }
  return found;
}

/**
 * At most MAX_FILES, from every group of (class, byte order, machine, type, whole or cut by
 * the UI): groups take turns, each in a fixed order that does not follow the directory layout.
 */
function sample(files: Candidate[]): Candidate[] {
  const groups = new Map<string, Candidate[]>();
  for (const f of files) {
    const key = `${f.ident}/${f.size > ELF_HEAD_BYTES}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const hash = (p: string) => createHash('sha1').update(p).digest('hex');
  const queues = [...groups.values()].map((g) =>
    g.sort((a, b) => (hash(a.path) < hash(b.path) ? -1 : 1)),
  );
  const picked: Candidate[] = [];
  for (let round = 0; picked.length < Math.min(MAX_FILES, files.length); round++) {
    for (const q of queues) {
      const f = q[round];
      if (f && picked.length < MAX_FILES) picked.push(f);
    }
  }
  return picked;
}

async function inBatches<T>(paths: string[], fn: (batch: string[]) => Promise<T[]>) {
  const out: T[] = [];
  for (let i = 0; i < paths.length; i += BATCH) out.push(...(await fn(paths.slice(i, i + BATCH))));
  return out;
}

const hex = (text: string) => Number.parseInt(text, 16);

/** `readelf -h -l -W` of several files: one block per file, in order. */
async function readelf(paths: string[]): Promise<Truth['readelf'][]> {
  // readelf exits 1 when it finds fault with any file, and still prints what it read.
  const { stdout } = await run('readelf', ['-h', '-l', '-W', '--', ...paths], {
    maxBuffer: 256 * 1024 * 1024,
  }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  // With more than one file, readelf starts each block with "File: <path>".
  const blocks = paths.length === 1 ? [stdout] : stdout.split(/^File: .*$/m).slice(1);
  if (blocks.length !== paths.length) {
    throw new Error(`readelf printed ${blocks.length} blocks for ${paths.length} files`);
  }
  return blocks.map((text) => {
    const field = (name: string) => new RegExp(`^\\s*${name}:\\s+(.*)$`, 'm').exec(text)?.[1];
    const segment = (type: string): Segment | null => {
      const m = new RegExp(
        `^\\s+${type}\\s+0x([0-9a-f]+) 0x[0-9a-f]+ 0x[0-9a-f]+ 0x([0-9a-f]+)`,
        'm',
      ).exec(text);
      return m ? { offset: hex(m[1]!), fileSize: hex(m[2]!) } : null;
    };
    const type = (field('Type') ?? '').split(' ')[0]!;
    const interp = segment('INTERP');
    const pie = / \(Position-Independent Executable file\)/.test(field('Type') ?? '');
    const phoff = Number(field('Start of program headers')?.split(' ')[0]);
    const phnum = Number(field('Number of program headers'));
    const phentsize = Number(field('Size of program headers')?.split(' ')[0]);
    const machine = field('Machine') ?? '';
    return {
      class: field('Class') === 'ELF64' ? 64 : 32,
      byteOrder: /little endian/.test(field('Data') ?? '') ? 'little' : 'big',
      machine: READELF_MACHINES.get(machine) ?? `"${machine}": not in READELF_MACHINES`,
      machineName: machine,
      type,
      linkage: kind(type, pie ? 'pie' : 'shared', interp !== null),
      loader: /\[Requesting program interpreter: (.*)\]/.exec(text)?.[1] ?? null,
      programHeaders: phnum > 0 ? { offset: phoff, fileSize: phnum * phentsize } : null,
      interp,
      dynamic: segment('DYNAMIC'),
    };
  });
}

/** `file -b` of several files: one line each, in order. */
async function file(paths: string[]): Promise<Truth['file'][]> {
  const { stdout } = await run('file', ['-b', '-N', '--', ...paths], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = stdout.split('\n').slice(0, -1);
  if (lines.length !== paths.length) {
    throw new Error(`file printed ${lines.length} lines for ${paths.length} files`);
  }
  return lines.map((line) => {
    const m =
      /ELF (32|64)-bit (LSB|MSB) (relocatable|pie executable|shared object|executable|core file)/.exec(
        line,
      );
    const word = m?.[3] ?? `"${line}"`;
    const type = { relocatable: 'REL', 'core file': 'CORE', executable: 'EXEC' }[word] ?? 'DYN';
    const loader = /, interpreter ([^,]*)/.exec(line)?.[1] ?? null;
    return {
      class: Number(m?.[1]),
      byteOrder: m?.[2] === 'LSB' ? 'little' : 'big',
      linkage: m ? kind(type, word === 'pie executable' ? 'pie' : 'shared', loader !== null) : word,
      loader,
    };
  });
}

/** readelf and file name the same kinds as the inspector, in their own words. */
function kind(type: string, dyn: 'pie' | 'shared', hasInterp: boolean): ElfLinkage | string {
  if (type === 'REL') return 'relocatable';
  if (type === 'CORE') return 'core';
  if (type === 'EXEC') return hasInterp ? 'dynamic' : 'static';
  if (type === 'DYN' && dyn === 'shared') return 'shared-library';
  if (type === 'DYN') return hasInterp ? 'dynamic' : 'static-pie';
  return `type ${type}`;
}

async function headOf({ path, size }: Candidate): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, ELF_HEAD_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Part of the segment lies past the bytes sent. */
const pastSent = (segment: Segment | null, sent: number) =>
  segment !== null && segment.offset + segment.fileSize > sent;

function compare(
  path: string,
  sent: number,
  report: ElfReport,
  { readelf: r, file: f }: Truth,
): Disagreement[] {
  const out: Disagreement[] = [];
  const check = (field: string, inspector: unknown, readelf: unknown, file: unknown) => {
    if (inspector !== readelf || (file !== undefined && inspector !== file)) {
      out.push({ path, field, inspector, readelf, file });
    }
  };
  check('class', report.ident.class, r.class, f.class);
  check('byte order', report.ident.byteOrder, r.byteOrder, f.byteOrder);
  check('machine', report.ident.machine, r.machine, undefined);
  check('type', report.type, r.type, undefined);

  // Undecided is no disagreement when the truth is among the kinds named and what decides
  // lies past the part sent.
  const decided = report.linkage.length === 1;
  const unreadNeeded =
    pastSent(r.programHeaders, sent) || (r.type === 'DYN' && pastSent(r.dynamic, sent));
  if (decided || !report.linkage.includes(r.linkage as ElfLinkage) || !unreadNeeded) {
    check('linkage', report.linkage.join(' or '), r.linkage, f.linkage);
  }

  if (report.loader !== null || !report.unread.includes('loader')) {
    check('loader', report.loader, r.loader, f.loader);
  } else if (!pastSent(r.interp, sent)) {
    out.push({ path, field: 'loader', inspector: 'unread', readelf: r.loader, file: f.loader });
  }
  const unreadRegion = {
    'program-headers': r.programHeaders,
    loader: r.interp,
    'dynamic-section': r.dynamic,
  };
  for (const part of report.unread) {
    if (!pastSent(unreadRegion[part], sent)) {
      out.push({
        path,
        field: `unread ${part}`,
        inspector: `past the ${sent} bytes sent`,
        readelf: unreadRegion[part],
        file: undefined,
      });
    }
  }
  return out;
}

let t: TestApp;
let binfmtRoot: string;

beforeAll(async () => {
  // An empty binfmt_misc root: which handler matches is another test's business.
  binfmtRoot = await mkdtemp(join(tmpdir(), 'archdeck-no-binfmt-'));
  t = await buildTestApp({ podmanSocket: '/nonexistent.sock', binfmtRoot });
});

afterAll(async () => {
  await t.app.close();
  await rm(binfmtRoot, { recursive: true, force: true });
});

describe('the ELF inspector against readelf and file', () => {
  it(
    'agrees on every ELF file of every architecture on this machine',
    { timeout: 600_000 },
    async () => {
      for (const tool of ['readelf', 'file']) {
        await run(tool, ['--version']).catch(() => {
          throw new Error(
            `${tool} is missing: scripts/testenv.sh up installs it (binutils, file).`,
          );
        });
      }
      const files = sample(findElfFiles());
      const paths = files.map((f) => f.path);
      const [byReadelf, byFile] = [await inBatches(paths, readelf), await inBatches(paths, file)];

      const disagreements: Disagreement[] = [];
      const figures = new Map<string, { files: number; cut: number; undecided: number }>();
      for (const [i, f] of files.entries()) {
        const head = await headOf(f);
        const res = await t.api({
          method: 'POST',
          url: '/api/elf',
          headers: { 'content-type': 'application/octet-stream', origin: ORIGIN },
          payload: head,
        });
        const truth = { readelf: byReadelf[i]!, file: byFile[i]! };
        const { readelf: r } = truth;
        const key = `${r.machineName} ELF${r.class} ${r.byteOrder}-endian, ${r.type}, ${r.linkage}`;
        const row = figures.get(key) ?? { files: 0, cut: 0, undecided: 0 };
        figures.set(key, row);
        row.files++;
        if (f.size > head.length) row.cut++;
        if (res.statusCode !== 200) {
          disagreements.push({
            path: f.path,
            field: `HTTP ${res.statusCode}`,
            inspector: res.json().message,
            readelf: truth.readelf.linkage,
            file: truth.file.linkage,
          });
          continue;
        }
        const report = res.json() as ElfReport;
        if (report.linkage.length > 1) row.undecided++;
        disagreements.push(...compare(f.path, head.length, report, truth));
      }

      console.info(
        `${files.length} ELF files compared (machine, e_type, kind: files, of them cut at 1 MiB, of them undecided):\n` +
          [...figures.entries()]
            .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
            .map(([key, r]) => `  ${key}: ${r.files}, ${r.cut} cut, ${r.undecided} undecided`)
            .join('\n'),
      );
      // Several architectures, or this proves little: the cross toolchains bring them.
      expect(
        new Set(byReadelf.map((r) => r.machine)).size,
        'machines: scripts/build-probes.sh installs the cross toolchains',
      ).toBeGreaterThan(3);
      expect(disagreements).toEqual([]);
    },
  );
});
