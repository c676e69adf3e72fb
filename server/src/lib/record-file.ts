/**
 * A small record the daemon keeps in its data dir (jobs, manifest list drafts): private to it
 * (0600, in a 0700 folder, never through a symbolic link) and written whole or not at all
 * (a temp file beside it, then a rename), each write after the one before.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';

export class RecordFile {
  private saving: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** The record's text, or null when there is none yet. */
  async read(): Promise<string | null> {
    try {
      return await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  /** Queues a write of `text`; a failure is logged (the daemon goes on without its record). */
  save(text: string): void {
    this.saving = this.saving.then(async () => {
      const temp = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
        const file = await open(
          temp,
          constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
          0o600,
        );
        try {
          await file.writeFile(text);
        } finally {
          await file.close();
        }
        await rename(temp, this.path);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        this.log.warn({ err, file: this.path }, 'could not write a record');
      }
    });
  }

  /** Resolves once every queued write is done. */
  saved(): Promise<void> {
    return this.saving;
  }
}
