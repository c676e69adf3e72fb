/**
 * Real registries for tests, on loopback: Debian's docker-registry (the CNCF distribution
 * registry) with htpasswd logins or TLS from a CA the test makes with openssl, filled from the
 * test environment's registry with skopeo. Every process and directory is the caller's to
 * release through the `Cleanup` it passed, registered the moment it exists, so a failure
 * half-way still leaves nothing behind.
 */
import { execFile, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What a test must undo, last first; call `runAll` from afterAll. */
export class Cleanup {
  private readonly steps: Array<() => Promise<unknown> | unknown> = [];
  add(step: () => Promise<unknown> | unknown): void {
    this.steps.push(step);
  }
  async runAll(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch {
        // The next step still runs: one stuck process must not leak the others.
      }
    }
  }
}

export interface Tls {
  ca: string;
  cert: string;
  key: string;
  /** Signed by the same CA, for a registry that asks for client certificates. */
  clientCert: string;
  clientKey: string;
}

/** A CA, a server certificate for 127.0.0.1, and a client certificate, in `dir`. */
export async function makeTls(dir: string): Promise<Tls> {
  const p = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args);
  await openssl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ...['-subj', '/CN=archdeck test CA', '-keyout', p('ca.key'), '-out', p('ca.crt')],
  );
  await writeFile(
    p('server.ext'),
    'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n',
  );
  await writeFile(p('client.ext'), 'extendedKeyUsage = clientAuth\n');
  for (const [name, subject] of [
    ['server', '/CN=127.0.0.1'],
    ['client', '/CN=archdeck test client'],
  ] as const) {
    await openssl(
      ...['req', '-newkey', 'rsa:2048', '-nodes', '-subj', subject],
      ...['-keyout', p(`${name}.key`), '-out', p(`${name}.csr`)],
    );
    await openssl(
      ...['x509', '-req', '-in', p(`${name}.csr`), '-CA', p('ca.crt'), '-CAkey', p('ca.key')],
      ...['-CAcreateserial', '-days', '2', '-extfile', p(`${name}.ext`), '-out', p(`${name}.pem`)],
    );
  }
  return {
    ca: p('ca.crt'),
    cert: p('server.pem'),
    key: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
  };
}

export interface RegistryOptions {
  port: number;
  /** A directory of the test's own for the registry's config and storage. */
  dir: string;
  htpasswd?: { username: string; password: string };
  /** Served over TLS; with `clientCerts`, only to clients with a certificate from its CA. */
  tls?: Tls & { clientCerts?: boolean };
}

async function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts docker-registry on 127.0.0.1:<port>; resolves once it accepts connections. */
export async function startRegistry(cleanup: Cleanup, o: RegistryOptions): Promise<string> {
  const host = `127.0.0.1:${o.port}`;
  if (await portAnswers(o.port)) {
    throw new Error(`${host} is taken: another test or process listens there; stop it first`);
  }
  const lines = [
    'version: 0.1',
    'log: {level: error}',
    `storage: {filesystem: {rootdirectory: ${join(o.dir, 'data')}}}`,
    'http:',
    `  addr: ${host}`,
  ];
  if (o.tls) {
    lines.push('  tls:', `    certificate: ${o.tls.cert}`, `    key: ${o.tls.key}`);
    if (o.tls.clientCerts) lines.push(`    clientcas: [${o.tls.ca}]`);
  }
  if (o.htpasswd) {
    const { stdout } = await run('htpasswd', ['-Bbn', o.htpasswd.username, o.htpasswd.password]);
    await writeFile(join(o.dir, 'htpasswd'), stdout);
    lines.push(`auth: {htpasswd: {realm: archdeck-test, path: ${join(o.dir, 'htpasswd')}}}`);
  }
  await writeFile(join(o.dir, 'config.yml'), `${lines.join('\n')}\n`);
  const child = spawn('docker-registry', ['serve', join(o.dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanup.add(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`docker-registry on ${host} exited: ${stderr}`);
    if (await portAnswers(o.port)) return host;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`docker-registry on ${host} did not listen within 5 s: ${stderr}`);
}

/**
 * Copies every platform of `from` (on the test environment's plain-HTTP registry) to `to`,
 * with the login or certificates its registry needs.
 */
export async function copyImage(
  from: string,
  to: string,
  dest: { creds?: string; certDir?: string; plainHttp?: boolean } = {},
): Promise<void> {
  await run('skopeo', [
    'copy',
    '--quiet',
    '--all',
    '--src-tls-verify=false',
    ...(dest.plainHttp ? ['--dest-tls-verify=false'] : []),
    ...(dest.creds ? ['--dest-creds', dest.creds] : []),
    ...(dest.certDir ? ['--dest-cert-dir', dest.certDir] : []),
    `docker://${from}`,
    `docker://${to}`,
  ]);
}
