/**
 * The daemon's credential on disk: `<data-dir>/token`. Whoever reads it controls a
 * root-equivalent API, so the file is created exclusively (never through a link someone else
 * planted), readable by its owner only, in a directory no one else can write to; and it is
 * either written whole or not at all (a full disk leaves no empty token behind).
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, stat, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fileErrorFix, writeFileAtomic } from '../lib/data-file.js';
import { StartupError } from '../lib/errors.js';

const TOKEN_FILE = 'token';
/** 32 random bytes in base64url; anything shorter was not written by us. */
const MIN_TOKEN_LENGTH = 32;

const uid = () => process.getuid?.() ?? 0;

/** What an OS error on the token means for the user, in one line. */
const explain = (err: unknown, path: string, doing: string) =>
  new StartupError(`cannot ${doing} ${path}: ${fileErrorFix(err)}`);

/** The data dir exists, is a directory of ours, and no one else can write to it. */
async function checkDataDir(dataDir: string): Promise<void> {
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw explain(err, dataDir, 'create the data dir');
  }
  const st = await stat(dataDir);
  if (!st.isDirectory()) throw new StartupError(`the data dir ${dataDir} is not a directory`);
  if (st.uid !== uid() && st.uid !== 0) {
    throw new StartupError(
      `the data dir ${dataDir} belongs to uid ${st.uid}, not to this user: pick another --data-dir`,
    );
  }
  // Someone who can write to the directory can swap the token file for one they know.
  if ((st.mode & 0o022) !== 0) {
    throw new StartupError(
      `the data dir ${dataDir} is writable by other users (mode ${(st.mode & 0o777).toString(8)}): chmod 700 ${dataDir}`,
    );
  }
}

/** The token in an existing file, its mode made 0600; null when there is no usable token. */
async function readExisting(path: string): Promise<string | null> {
  let file: FileHandle;
  try {
    // O_NOFOLLOW: a link at `token` would point the daemon at a file someone else chose.
    file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ELOOP') {
      throw new StartupError(`${path} is a symbolic link; refusing to follow it: remove it`);
    }
    throw explain(err, path, 'read');
  }
  try {
    const st = await file.stat();
    if (!st.isFile()) throw new StartupError(`${path} is not a regular file: remove it`);
    if (st.uid !== uid()) {
      throw new StartupError(`${path} belongs to uid ${st.uid}, not to this user: remove it`);
    }
    if ((st.mode & 0o777) !== 0o600) await file.chmod(0o600);
    const token = (await file.readFile('utf8')).trim();
    return token.length >= MIN_TOKEN_LENGTH && /^[\w-]+$/.test(token) ? token : null;
  } finally {
    await file.close();
  }
}

/** Writes a new token, whole or not at all (a full disk leaves no empty token behind). */
async function writeNew(path: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  try {
    await writeFileAtomic(path, `${token}\n`);
  } catch (err) {
    throw explain(err, path, 'write');
  }
  return token;
}

export async function loadOrCreateToken(dataDir: string): Promise<string> {
  await checkDataDir(dataDir);
  const path = join(dataDir, TOKEN_FILE);
  return (await readExisting(path)) ?? (await writeNew(path));
}
