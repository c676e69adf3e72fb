/**
 * A build context packed in the browser: a ustar archive of the chosen files, made of Blob
 * parts so that no file is read into memory (the browser streams them when the request is
 * sent). Names longer than ustar's 100 bytes go in its 155-byte prefix when they split at a
 * slash there, else in a pax header (`path=`), as GNU tar and podman read them.
 *
 * Browsers do not tell a file's permission bits, so every file gets 0755, as Docker does for
 * a context sent from Windows: a script stays executable, at the cost of data files being so.
 */

const BLOCK = 512;
const encoder = new TextEncoder();

export interface TarEntry {
  /** The path inside the context, `/`-separated, relative. */
  path: string;
  file: Blob;
}

function octal(header: Uint8Array, offset: number, width: number, value: number): void {
  const digits = Math.floor(value)
    .toString(8)
    .padStart(width - 1, '0');
  if (digits.length > width - 1) throw new RangeError(`${value} does not fit a tar header`);
  header.set(encoder.encode(`${digits}\0`), offset);
}

function text(header: Uint8Array, offset: number, value: string): void {
  header.set(encoder.encode(value), offset);
}

function header(name: Uint8Array, prefix: Uint8Array, size: number, type: string, mtime: number) {
  const h = new Uint8Array(BLOCK);
  h.set(name, 0);
  octal(h, 100, 8, 0o755);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtime);
  text(h, 148, '        ');
  text(h, 156, type);
  text(h, 257, 'ustar\0');
  text(h, 263, '00');
  h.set(prefix, 345);
  let sum = 0;
  for (const byte of h) sum += byte;
  text(h, 148, `${sum.toString(8).padStart(6, '0')}\0 `);
  return h;
}

const padding = (size: number) => new Uint8Array((BLOCK - (size % BLOCK)) % BLOCK);

/** A pax record: `<length> <key>=<value>\n`, where the length counts itself. */
function paxRecord(key: string, value: string): Uint8Array<ArrayBuffer> {
  const body = encoder.encode(` ${key}=${value}\n`);
  let total = body.length + String(body.length).length;
  if (String(total).length + body.length !== total) total = body.length + String(total).length;
  const length = encoder.encode(String(total));
  const record = new Uint8Array(length.length + body.length);
  record.set(length, 0);
  record.set(body, length.length);
  return record;
}

/** Where ustar can hold the path: name alone, or prefix + `/` + name. */
function ustarSplit(path: Uint8Array): { name: Uint8Array; prefix: Uint8Array } | null {
  if (path.length <= 100) return { name: path, prefix: new Uint8Array(0) };
  for (let slash = path.indexOf(0x2f); slash !== -1; slash = path.indexOf(0x2f, slash + 1)) {
    if (slash <= 155 && path.length - slash - 1 <= 100 && path.length - slash - 1 > 0) {
      return { name: path.subarray(slash + 1), prefix: path.subarray(0, slash) };
    }
  }
  return null;
}

/** Normalises a path for the archive; refuses one that would leave the context. */
export function contextPath(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..'))
    throw new RangeError(`Not a path inside the context: ${path}`);
  return parts.join('/');
}

/** The archive, as a Blob of type application/x-tar. */
export function packTar(entries: readonly TarEntry[]): Blob {
  const parts: BlobPart[] = [];
  for (const entry of entries) {
    const path = contextPath(entry.path);
    const bytes = encoder.encode(path);
    const mtime = entry.file instanceof File ? entry.file.lastModified / 1000 : 0;
    let split = ustarSplit(bytes);
    if (!split) {
      const record = paxRecord('path', path);
      const paxName = encoder.encode(
        `PaxHeaders/${[...path.split('/').pop()!].slice(0, 60).join('')}`,
      );
      parts.push(
        header(paxName, new Uint8Array(0), record.length, 'x', mtime),
        record,
        padding(record.length),
      );
      split = { name: bytes.subarray(0, 100), prefix: new Uint8Array(0) };
    }
    parts.push(
      header(split.name, split.prefix, entry.file.size, '0', mtime),
      entry.file,
      padding(entry.file.size),
    );
  }
  parts.push(new Uint8Array(2 * BLOCK));
  return new Blob(parts, { type: 'application/x-tar' });
}
