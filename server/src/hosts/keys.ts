/**
 * archdeck's own SSH key, the one it logs in to remote hosts with: ed25519, generated once and
 * kept in `<data-dir>/ssh/id_ed25519` (0600, in a 0700 directory). The private half never
 * leaves the daemon; the public half, and a ready authorized_keys line, are shown to the user.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { HostsKey } from '@archdeck/shared';
import { writeFileAtomic } from '../lib/data-file.js';

export interface ArchdeckKey extends HostsKey {
  privateKey: string;
}

/**
 * What the key may do on a remote host: no shell, no PTY, no agent or X11 forwarding; only the
 * forwarding archdeck uses to reach podman's socket (OpenSSH checks it for stream-local channels
 * as for TCP ones, so port-forwarding must stay on).
 */
const RESTRICTIONS = 'restrict,port-forwarding,command="/bin/false"';

function publicFingerprint(publicKey: string): string {
  const blob = Buffer.from(publicKey.split(' ')[1] ?? '', 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export async function loadOrCreateKey(dataDir: string): Promise<ArchdeckKey> {
  const dir = join(dataDir, 'ssh');
  const path = join(dir, 'id_ed25519');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  let privateKey: string;
  let publicKey: string;
  try {
    privateKey = await readFile(path, 'utf8');
    publicKey = (await readFile(`${path}.pub`, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment: `archdeck@${hostname()}` });
    privateKey = pair.private;
    publicKey = pair.public.trim();
    await writeFileAtomic(path, privateKey);
    await writeFileAtomic(`${path}.pub`, `${publicKey}\n`);
  }
  return {
    privateKey,
    publicKey,
    fingerprint: publicFingerprint(publicKey),
    authorizedKeysLine: `${RESTRICTIONS} ${publicKey}`,
  };
}
