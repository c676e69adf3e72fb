/**
 * A build context as it arrives: streamed to a file of the daemon's own (0600) while its tar
 * entries are read on the way, so the build knows which Containerfile to use (and what it
 * says) without the archive ever being held in memory. Each platform's build then streams
 * the file to podman; a job outlives its request, so the request's body cannot be used.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import { AppError, badRequest } from '../lib/errors.js';
import { TarError, TarScanner } from '../lib/tar-scan.js';

export interface ReceivedContext {
  path: string;
  size: number;
  /** Regular files in it, normalised (`./a/b` → `a/b`). */
  names: Set<string>;
  /** The files asked for that it has, as text. */
  files: Map<string, string>;
}

/** A Containerfile longer than this is not read for its stages (it is still built). */
const MAX_CONTAINERFILE = 1024 * 1024;
const MAX_NAMES = 200_000;

const tooLarge = (limit: number) =>
  new AppError(
    413,
    'body_too_large',
    `The build context is larger than ${Math.round(limit / 1024 / 1024)} MiB. Leave out what the build does not need (a .containerignore file only filters what podman copies, not what is uploaded): pack a smaller folder.`,
  );

/**
 * Streams `body` to `path`, reading its entries: a plain tar or a gzip one; bzip2 and xz
 * (which podman reads too) are refused, as the daemon could not look inside. Throws a 400 for
 * an archive that is not one, a 413 past `limit`; the file is removed then.
 */
export async function receiveContext(
  body: Readable,
  path: string,
  opts: { limit: number; keep: string[] },
): Promise<ReceivedContext> {
  const scanner = new TarScanner({
    keep: opts.keep,
    maxKeep: MAX_CONTAINERFILE,
    maxNames: MAX_NAMES,
  });
  let size = 0;
  let gunzip: Gunzip | null = null;
  let decided = false;
  let scanError: Error | null = null;
  const scan = (chunk: Buffer) => {
    if (scanError || scanner.ended) return;
    try {
      scanner.push(chunk);
    } catch (err) {
      scanError = err as Error;
    }
  };
  const inspect = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > opts.limit) return done(tooLarge(opts.limit));
      if (!decided) {
        decided = true;
        if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
          gunzip = createGunzip();
          gunzip.on('data', scan);
          gunzip.on('error', (err) => (scanError ??= err));
        } else if (chunk.subarray(0, 3).toString('latin1') === 'BZh' || chunk[0] === 0xfd) {
          return done(
            new AppError(
              415,
              'unsupported_media_type',
              'Send the build context as a tar archive, plain or gzip-compressed (bzip2 and xz are not read).',
            ),
          );
        }
      }
      if (gunzip) gunzip.write(chunk);
      else scan(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, inspect, createWriteStream(path, { flags: 'wx', mode: 0o600 }));
    if (gunzip) {
      const g: Gunzip = gunzip;
      await new Promise<void>((resolve) => {
        g.once('end', resolve);
        g.once('error', () => resolve());
        g.end();
      });
    }
    if (scanError) throw scanError;
    scanner.end();
  } catch (err) {
    await rm(path, { force: true });
    if (err instanceof TarError || (err as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw badRequest(
        `The build context is not a readable tar archive (${(err as Error).message}). Send a tar of the folder, e.g. \`tar -C <folder> -cf - .\`, plain or gzip-compressed.`,
      );
    }
    throw err;
  }
  const files = new Map<string, string>();
  for (const [name, { data }] of scanner.kept) files.set(name, data.toString('utf8'));
  return { path, size, names: new Set(scanner.names), files };
}
