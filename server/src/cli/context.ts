/**
 * A build context folder as the tar archive POST /api/builds takes: its regular files with
 * their permission bits, read whole (lib/tar.ts writes from buffers; a context is small).
 * `.containerignore`/`.dockerignore` go along and podman applies them.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { tarArchive, type TarFile } from '../lib/tar.js';
import { CliError } from './client.js';

export async function packContext(dir: string): Promise<Buffer> {
  const names = await readdir(dir, { recursive: true }).catch((err: Error) => {
    throw new CliError(`cannot read the build context ${dir}: ${err.message}`);
  });
  const files: TarFile[] = [];
  for (const name of names.sort()) {
    const full = join(dir, name);
    const stat = await lstat(full);
    if (stat.isDirectory()) continue;
    if (!stat.isFile()) {
      throw new CliError(
        `${full} is not a regular file (a symlink?): archdeck build sends regular files only`,
      );
    }
    const entry = name.split(sep).join('/');
    if (Buffer.byteLength(entry) > 100) {
      throw new CliError(
        `${entry}: archdeck build takes paths of at most 100 bytes inside the context (the web page has no such limit)`,
      );
    }
    files.push({ name: entry, data: await readFile(full), mode: stat.mode & 0o777 });
  }
  return tarArchive(files);
}
