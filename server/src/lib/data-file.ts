import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';

/**
 * Writes a file whole or not at all: into a new file beside it (created exclusively, never
 * through a symbolic link, readable by its owner only), flushed to disk, then renamed over it.
 * A crash or a full disk leaves the old file, never half of the new one.
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const file = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** What an OS error on a file in the data dir means, and what to do about it, in a few words. */
export function fileErrorFix(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOSPC'
    ? 'the disk is full: free some space'
    : code === 'EACCES' || code === 'EPERM'
      ? 'permission denied: run as the user that owns it, or pick another --data-dir'
      : code === 'EROFS'
        ? 'the file system is read-only: pick another --data-dir'
        : (err as Error).message;
}
