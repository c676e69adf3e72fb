/**
 * binfmt_misc is the host's, not the test's: a test that needs handlers present or absent
 * arranges exactly that here, and gets the host's own state back afterwards. Hosts differ: the
 * test environment registers four qemu handlers, while systemd-binfmt on an ordinary Debian or
 * Ubuntu machine registers every one qemu-user-static ships, riscv64 and mips included.
 *
 * Test files (of this checkout or another) run against the same kernel, so an arrangement holds
 * a host-wide lock from arrange() to restore(): a flock(1) child, released by the kernel when
 * this process dies, whatever way it dies.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BinfmtFs } from '../src/emulators/binfmt-fs.js';
import {
  entryRegisterLine,
  formatRegisterLine,
  parseConfFile,
} from '../src/emulators/binfmt-conf.js';
import { matchesBinary, parseEntry, type ParsedEntry } from '../src/emulators/entry.js';
import { archForPlatform } from '../src/emulators/platforms.js';

export const PROC = '/proc/sys/fs/binfmt_misc';
export const LOCK_FILE = '/run/lock/archdeck-binfmt_misc.lock';
const LOCK_WAIT_S = 100;
/** Handlers a test registers start so; other test files' own come and go as they please. */
const TEST_PREFIX = 'archdeck-test-';

const fs = new BinfmtFs(PROC);

/** The first bytes of a real static binary of the platform: the committed smoke-test probe. */
async function sampleHeader(platform: string): Promise<Buffer> {
  const arch = platform.split('/')[1];
  const url = new URL(`../probes/bin/probe-${arch}`, import.meta.url);
  const file = await open(fileURLToPath(url), 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(256), 0, 256, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

interface Live {
  name: string;
  text: string;
  parsed: ParsedEntry;
}

async function liveEntries(): Promise<Live[]> {
  const out: Live[] = [];
  for (const name of await fs.entryNames()) {
    const text = await fs.readEntry(name);
    if (text !== null) out.push({ name, text, parsed: parseEntry(text) });
  }
  return out;
}

function registerLine({ name, parsed }: Live): string {
  const line = entryRegisterLine(name, parsed);
  if (!line) throw new Error(`${name}: only magic entries can be registered again`);
  return line;
}

/** Holds the host-wide binfmt_misc lock until the returned function is called. */
export async function lockBinfmt(): Promise<() => Promise<void>> {
  // flock prints once it holds the lock, then cat keeps it until stdin closes: when release()
  // ends it, or when this process exits and the kernel closes the pipe.
  const child: ChildProcessWithoutNullStreams = spawn(
    'flock',
    ['--exclusive', '--wait', String(LOCK_WAIT_S), LOCK_FILE, 'sh', '-c', 'echo locked; exec cat'],
    { stdio: 'pipe' },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const locked = await new Promise<boolean>((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', () => resolve(true));
    void exited.then(() => resolve(false));
  });
  if (!locked) {
    throw new Error(
      `binfmt_misc stayed locked by another test run for ${LOCK_WAIT_S} s (${LOCK_FILE}; \`fuser -v ${LOCK_FILE}\` names it)`,
    );
  }
  return async () => {
    child.stdin.end();
    await exited;
  };
}

export interface BinfmtArrangement {
  /** Names of the handlers registered for `ready` platforms. */
  added: string[];
  /** Puts every handler back as found, checks it, and releases the lock. */
  restore(): Promise<void>;
}

/**
 * Takes the lock, then:
 *  - absent: removes every handler that would run the platform's binaries, so the kernel has
 *    none (a disabled one would still make the daemon say "disabled", not "no handler");
 *  - ready: where no enabled handler with the F flag (usable inside containers) runs the
 *    platform, registers Debian's qemu-user-static template for it under a test name.
 * Platforms are OCI ones ('linux/riscv64'); each needs a probe in server/probes/bin, whose
 * header is what "would run" is judged on, by the kernel's own matching rule.
 */
export async function arrangeBinfmt(want: {
  absent?: string[];
  ready?: string[];
}): Promise<BinfmtArrangement> {
  const release = await lockBinfmt();
  const before = await liveEntries().catch(async (err: unknown) => {
    await release();
    throw err;
  });
  const removed: Live[] = [];
  const added: string[] = [];

  const restore = async () => {
    try {
      for (const name of added) {
        if ((await fs.readEntry(name)) !== null) await fs.control(name, '-1');
      }
      for (const entry of removed) {
        await fs.register(registerLine(entry));
        if (!entry.parsed.enabled) await fs.control(entry.name, '0');
      }
      const now = new Map((await liveEntries()).map((e) => [e.name, e.text]));
      const differ = before
        .filter((e) => !e.name.startsWith(TEST_PREFIX) && now.get(e.name) !== e.text)
        .map((e) => e.name);
      const extra = added.filter((name) => now.has(name));
      if (differ.length > 0 || extra.length > 0) {
        throw new Error(
          `binfmt_misc is not as found: changed or missing ${differ.join(', ') || 'none'}; left behind ${extra.join(', ') || 'none'}`,
        );
      }
    } finally {
      await release();
    }
  };

  try {
    for (const platform of want.absent ?? []) {
      const header = await sampleHeader(platform);
      for (const entry of before.filter((e) => matchesBinary(e.parsed, header))) {
        await fs.control(entry.name, '-1');
        removed.push(entry);
      }
    }
    const id = randomBytes(3).toString('hex');
    for (const platform of want.ready ?? []) {
      const header = await sampleHeader(platform);
      const usable = (await liveEntries()).some(
        (e) => e.parsed.enabled && e.parsed.flags.includes('F') && matchesBinary(e.parsed, header),
      );
      if (usable) continue;
      const qemuArch = archForPlatform(platform)?.qemuArch;
      const conf = `/usr/lib/binfmt.d/qemu-${qemuArch}.conf`;
      const { lines } = parseConfFile(await readFile(conf, 'utf8'));
      if (!lines[0]) throw new Error(`${conf} has no register line (reinstall qemu-user-static)`);
      const name = `${TEST_PREFIX}${id}-${qemuArch}`;
      await fs.register(formatRegisterLine({ ...lines[0], name }));
      added.push(name);
    }
  } catch (err) {
    await restore();
    throw err;
  }
  return { added, restore };
}
