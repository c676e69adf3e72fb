/**
 * A minimal ustar writer: regular files only, enough for a build context of a few small files
 * (the smoke-test probe and its Containerfile). Names are plain relative paths of at most 100
 * bytes, so the prefix field and long-name extensions are never needed.
 */

export interface TarFile {
  name: string;
  data: Buffer;
  /** Permission bits; 0o644 when not given. */
  mode?: number;
}

const BLOCK = 512;

/** An octal field of `width` bytes: digits, zero-padded, then a NUL. */
function octal(header: Buffer, offset: number, width: number, value: number): void {
  const digits = value.toString(8).padStart(width - 1, '0');
  if (digits.length > width - 1)
    throw new RangeError(`${value} does not fit a ${width}-byte tar field`);
  header.write(`${digits}\0`, offset, width, 'ascii');
}

function header(file: TarFile): Buffer {
  const name = Buffer.from(file.name, 'utf8');
  if (
    name.length === 0 ||
    name.length > 100 ||
    file.name.startsWith('/') ||
    file.name.includes('..')
  )
    throw new RangeError(`tar entry name "${file.name}" must be relative and 1-100 bytes`);
  const h = Buffer.alloc(BLOCK);
  name.copy(h, 0);
  octal(h, 100, 8, file.mode ?? 0o644);
  octal(h, 108, 8, 0); // uid
  octal(h, 116, 8, 0); // gid
  octal(h, 124, 12, file.data.length);
  octal(h, 136, 12, 0); // mtime: fixed, so the same files give the same bytes
  h.write('        ', 148, 8, 'ascii'); // the checksum counts its own field as spaces
  h.write('0', 156, 1, 'ascii'); // regular file
  h.write('ustar\0', 257, 6, 'ascii');
  h.write('00', 263, 2, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  // Six octal digits, NUL, space: the layout every tar writes and reads.
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return h;
}

/** The archive: each file's header and data padded to 512 bytes, then two zero blocks. */
export function tarArchive(files: TarFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(header(file), file.data);
    const pad = (BLOCK - (file.data.length % BLOCK)) % BLOCK;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
