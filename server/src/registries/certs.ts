/**
 * TLS settings for one registry host as podman takes them from containers-certs.d(5): the
 * first certs.d directory that has a `<host:port>` directory serves that host; in it, `*.crt`
 * are CA certificates trusted on top of the system's, and `name.cert` + `name.key` are a
 * client certificate and its key (containers/image's tlsclientconfig.SetupCertificates).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface HostCerts {
  dir: string;
  /** PEM text of each CA file, in name order. */
  ca: string[];
  /** Client certificates and their keys, paired by file name. */
  certs: string[];
  keys: string[];
}

/** A certs.d directory podman would refuse too; the message names the file to fix. */
export class CertsError extends Error {
  override readonly name = 'CertsError';
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function read(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CertsError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The certificates for `host` ('registry.example:5000'), or null when no directory has any. */
export async function loadHostCerts(dirs: string[], host: string): Promise<HostCerts | null> {
  let dir: string | null = null;
  for (const root of dirs) {
    if (await isDirectory(join(root, host))) {
      dir = join(root, host);
      break;
    }
  }
  if (dir === null) return null;
  const names = (await readdir(dir)).sort();
  const result: HostCerts = { dir, ca: [], certs: [], keys: [] };
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith('.crt')) {
      result.ca.push(await read(path));
    } else if (name.endsWith('.cert')) {
      const key = `${name.slice(0, -'.cert'.length)}.key`;
      if (!names.includes(key)) {
        throw new CertsError(
          `missing key ${key} for client certificate ${path}. Note that CA certificates should use the extension .crt`,
        );
      }
      result.certs.push(await read(path));
      result.keys.push(await read(join(dir, key)));
    } else if (name.endsWith('.key')) {
      const cert = `${name.slice(0, -'.key'.length)}.cert`;
      if (!names.includes(cert)) {
        throw new CertsError(`missing client certificate ${cert} for key ${path}`);
      }
    }
  }
  return result;
}
