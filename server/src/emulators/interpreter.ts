/**
 * Health of a handler's interpreter: is it there, executable, static (usable inside
 * containers with the F flag) or dynamic, and which qemu it is.
 */
import { execFile } from 'node:child_process';
import { open, realpath, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { promisify } from 'node:util';
import type { InterpreterHealth } from '@archdeck/shared';
import { ElfError, parseElf } from './elf.js';

const run = promisify(execFile);
const HEADER_BYTES = 4096;
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/** qemu --version costs a process start; the answer only changes when the file does. */
const versionCache = new Map<string, string | null>();

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEADER_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function qemuVersion(resolved: string, identity: string): Promise<string | null> {
  // Never execute an arbitrary interpreter (binfmt.d also names python, wine, …): qemu only.
  if (!/^qemu-[a-z0-9_]+(-static)?$/.test(basename(resolved))) return null;
  if (versionCache.has(identity)) return versionCache.get(identity)!;
  let version: string | null;
  try {
    const { stdout } = await run(resolved, ['--version'], { timeout: 3000 });
    version = /version\s+(\S.*)$/m.exec(stdout)?.[1]?.trim() ?? null;
  } catch {
    version = null;
  }
  versionCache.set(identity, version);
  return version;
}

export async function interpreterHealth(path: string): Promise<InterpreterHealth> {
  const missing: InterpreterHealth = {
    path,
    exists: false,
    regularFile: false,
    resolvedPath: null,
    ownerUid: null,
    executable: false,
    linkage: 'unknown',
    qemuVersion: null,
  };
  let resolved: string;
  let s;
  try {
    resolved = await realpath(path);
    s = await stat(resolved);
  } catch {
    return missing;
  }
  const regularFile = s.isFile();
  const executable = regularFile && (s.mode & 0o111) !== 0;
  let linkage: InterpreterHealth['linkage'] = 'unknown';
  if (regularFile) {
    const head = await readHead(resolved).catch(() => Buffer.alloc(0));
    if (!head.subarray(0, 4).equals(ELF_MAGIC)) {
      linkage = 'not-elf';
    } else {
      try {
        const { needsLoader } = parseElf(head);
        if (needsLoader !== null) linkage = needsLoader ? 'dynamic' : 'static';
      } catch (err) {
        if (!(err instanceof ElfError)) throw err;
      }
    }
  }
  const identity = `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
  return {
    path,
    exists: true,
    regularFile,
    resolvedPath: resolved === path ? null : resolved,
    ownerUid: s.uid,
    executable,
    linkage,
    qemuVersion: executable ? await qemuVersion(resolved, identity) : null,
  };
}
