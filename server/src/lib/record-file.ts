/**
 * A small record the daemon keeps in its data dir (jobs, manifest list drafts): private to it
 * (0600, in a 0700 folder) and written whole or not at all (data-file.ts), each write after the
 * one before.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import { writeFileAtomic } from './data-file.js';

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
      try {
        await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
        await writeFileAtomic(this.path, text);
      } catch (err) {
        this.log.warn({ err, file: this.path }, 'could not write a record');
      }
    });
  }

  /** Resolves once every queued write is done. */
  saved(): Promise<void> {
    return this.saving;
  }
}
