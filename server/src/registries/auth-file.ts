/**
 * Registry credentials as podman keeps them (containers-auth.json(5); containers/image 5.23
 * pkg/docker/config): `{"auths": {"<key>": {"auth": base64("user:password")}}}`, read from
 * several files in order, the first match winning; a key is a registry, or a namespace or
 * repository on it, the most specific one matching first. A login is written to one file,
 * merged with what is there, mode 0600, replaced atomically so that podman never reads half
 * a file. Credential helpers (credHelpers, credsStore) are recognised, never run.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AuthFileRef } from '../config.js';

export interface Credentials {
  username: string;
  password: string;
  /** The file and key they came from, for messages (never the secret). */
  file: string;
  key: string;
}

/**
 * Found instead of credentials: a credential helper. `credHelpers` names one for a registry
 * (podman would run it); docker's `credsStore` one for all (podman ignores it). archdeck runs
 * neither.
 */
export interface HelperConfigured {
  helper: string;
  file: string;
  via: 'credHelpers' | 'credsStore';
}

export interface CredentialLookup {
  credentials: Credentials | null;
  helper: HelperConfigured | null;
}

/** An auth file that exists but cannot be used; the message names it and what is wrong. */
export class AuthFileError extends Error {
  override readonly name = 'AuthFileError';
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

interface ParsedFile {
  doc: Json;
  auths: Json;
  credHelpers: Json;
  credsStore: string | null;
}

async function readAuthFile(ref: AuthFileRef): Promise<ParsedFile | null> {
  let text: string;
  try {
    text = await readFile(ref.path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new AuthFileError(`cannot read ${ref.path}: ${(err as Error).message}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new AuthFileError(
      `${ref.path} is not valid JSON; fix or remove it (podman refuses it too)`,
    );
  }
  if (!isObject(doc)) throw new AuthFileError(`${ref.path} is not a JSON object`);
  // ~/.dockercfg is the `auths` map itself.
  const auths = ref.legacy ? doc : isObject(doc.auths) ? doc.auths : {};
  const credHelpers = !ref.legacy && isObject(doc.credHelpers) ? doc.credHelpers : {};
  const credsStore = !ref.legacy && typeof doc.credsStore === 'string' ? doc.credsStore : null;
  return { doc, auths, credHelpers, credsStore };
}

/** docker.io's credentials are also found under its API hosts, as docker writes them. */
function normaliseRegistry(registry: string): string {
  return registry === 'docker.io' || registry === 'registry-1.docker.io'
    ? 'index.docker.io'
    : registry;
}

/** A key written as a URL ('https://index.docker.io/v1/') counts as its host. */
function normaliseKey(key: string, legacy: boolean): string {
  const stripped = key.replace(/^https?:\/\//, '');
  const host = legacy || stripped !== key ? stripped.split('/')[0]! : stripped;
  return normaliseRegistry(host);
}

/** 'r.io/a/b/c' → ['r.io/a/b/c', 'r.io/a/b', 'r.io/a', 'r.io']: most specific first. */
function keysFor(name: string): string[] {
  const keys: string[] = [];
  let key = name;
  for (;;) {
    keys.push(key);
    const slash = key.lastIndexOf('/');
    if (slash === -1) return keys;
    key = key.slice(0, slash);
  }
}

function decode(file: string, key: string, entry: unknown): Credentials | null {
  if (!isObject(entry) || typeof entry.auth !== 'string' || entry.auth === '') return null;
  const text = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  // podman skips an entry it cannot split, as docker does; so do we.
  if (colon === -1) return null;
  return {
    username: text.slice(0, colon),
    password: text.slice(colon + 1).replace(/^\n+|\n+$/g, ''),
    file,
    key,
  };
}

/**
 * Credentials for a repository (`name` is 'registry/path/repo') from the first file that has
 * any: in each file, a credential helper for the registry first, then the repository's key
 * and its parents', then any key that is the registry written another way.
 */
export async function findCredentials(
  files: AuthFileRef[],
  name: string,
): Promise<CredentialLookup> {
  const registry = name.split('/')[0]!;
  let store: HelperConfigured | null = null;
  for (const ref of files) {
    const parsed = await readAuthFile(ref);
    if (!parsed) continue;
    const helper = parsed.credHelpers[registry];
    if (typeof helper === 'string') {
      return { credentials: null, helper: { helper, file: ref.path, via: 'credHelpers' } };
    }
    if (parsed.credsStore && !store) {
      store = { helper: parsed.credsStore, file: ref.path, via: 'credsStore' };
    }
    for (const key of ref.legacy ? [registry] : keysFor(name)) {
      const found = decode(ref.path, key, parsed.auths[key]);
      if (found) return { credentials: found, helper: null };
    }
    const wanted = normaliseRegistry(registry);
    for (const [key, entry] of Object.entries(parsed.auths)) {
      if (normaliseKey(key, ref.legacy) !== wanted) continue;
      const found = decode(ref.path, key, entry);
      if (found) return { credentials: found, helper: null };
    }
  }
  // docker login with a credsStore leaves only this behind: say why nothing was found.
  return { credentials: null, helper: store };
}

/** A key as the Registries page names it: docker's URL keys as their host, Hub as docker.io. */
function displayKey(key: string, legacy: boolean): string {
  const stripped = key.replace(/^https?:\/\//, '');
  const name = legacy || stripped !== key ? stripped.split('/')[0]! : stripped;
  return name === 'index.docker.io' || name === 'registry-1.docker.io' ? 'docker.io' : name;
}

/** The registries credentials are stored for, over all files, with the first file's user. */
export async function listLogins(files: AuthFileRef[]): Promise<Credentials[]> {
  const seen = new Map<string, Credentials>();
  for (const ref of files) {
    const parsed = await readAuthFile(ref).catch(() => null);
    if (!parsed) continue;
    for (const [key, entry] of Object.entries(parsed.auths)) {
      const normal = displayKey(key, ref.legacy);
      if (seen.has(normal)) continue;
      const found = decode(ref.path, key, entry);
      if (found) seen.set(normal, { ...found, key: normal });
    }
  }
  return [...seen.values()];
}

/** Replaces the file in one step: a reader sees the old file or the new one, never a part. */
async function writeAtomically(path: string, doc: Json): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, `${JSON.stringify(doc, null, '\t')}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * Stores a login in `path` as `podman login` does: `auths[key].auth` replaced, every other
 * entry and field of the file kept.
 */
export async function storeCredentials(
  path: string,
  key: string,
  username: string,
  password: string,
): Promise<void> {
  const parsed = await readAuthFile({ path, legacy: false });
  const doc = parsed?.doc ?? {};
  const auths = parsed?.auths ?? {};
  auths[key] = { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') };
  await writeAtomically(path, { ...doc, auths });
}

/** Removes a login from `path`; false when it held none for that key. */
export async function removeCredentials(path: string, key: string): Promise<boolean> {
  const parsed = await readAuthFile({ path, legacy: false });
  if (!parsed || !(key in parsed.auths)) return false;
  const auths = { ...parsed.auths };
  delete auths[key];
  await writeAtomically(path, { ...parsed.doc, auths });
  return true;
}
