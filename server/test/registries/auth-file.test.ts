/**
 * containers-auth.json(5) and containers-certs.d(5) on real files: where credentials are found,
 * how a login is written beside what is there, and which certs.d directory serves a host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findCredentials,
  listLogins,
  removeCredentials,
  storeCredentials,
} from '../../src/registries/auth-file.js';
import { CertsError, loadHostCerts } from '../../src/registries/certs.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archdeck-auth-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('containers-auth.json(5): finding credentials', () => {
  const file = (name: string) => join(dir, name);
  beforeAll(async () => {
    // The man page's example of several paths on one registry, with a fallback.
    await writeFile(
      file('primary.json'),
      JSON.stringify({
        auths: {
          'my-registry.local/foo/bar/image': { auth: b64('image-user:p1') },
          'my-registry.local/foo': { auth: b64('foo-user:p2') },
          'my-registry.local': { auth: b64('registry-user:p3') },
          'empty.local': {},
        },
      }),
    );
    await writeFile(
      file('docker.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hub-user:hub\n') },
          'https://old.example/v2/': { auth: b64('url-user:u') },
          'my-registry.local': { auth: b64('shadowed:x') },
        },
        credHelpers: { 'ecr.example': 'ecr-login' },
        credsStore: 'desktop',
      }),
    );
    await writeFile(
      file('.dockercfg'),
      JSON.stringify({ 'https://legacy.example/v1/': { auth: b64('legacy-user:l') } }),
    );
  });
  const files = () => [
    { path: file('absent.json'), legacy: false },
    { path: file('primary.json'), legacy: false },
    { path: file('docker.json'), legacy: false },
    { path: file('.dockercfg'), legacy: true },
  ];
  const user = async (name: string) => (await findCredentials(files(), name)).credentials?.username;

  it('matches the most specific key first, as the man page orders them', async () => {
    expect(await user('my-registry.local/foo/bar/image')).toBe('image-user');
    expect(await user('my-registry.local/foo/bar/other')).toBe('foo-user');
    expect(await user('my-registry.local/foo/x')).toBe('foo-user');
    expect(await user('my-registry.local/elsewhere/x')).toBe('registry-user');
  });

  it('stops at the first file with credentials, and says which file and key', async () => {
    const { credentials } = await findCredentials(files(), 'my-registry.local/app');
    expect(credentials).toEqual({
      username: 'registry-user',
      password: 'p3',
      file: file('primary.json'),
      key: 'my-registry.local',
    });
  });

  it("finds docker's URL keys, Docker Hub's /v1/ one included, and the legacy .dockercfg", async () => {
    const hub = (await findCredentials(files(), 'docker.io/library/busybox')).credentials;
    expect(hub).toMatchObject({ username: 'hub-user', password: 'hub' });
    expect(await user('old.example/app')).toBe('url-user');
    expect(await user('legacy.example/app')).toBe('legacy-user');
  });

  it('reports a credential helper or store instead of running it; entries without auth are skipped', async () => {
    expect(await findCredentials(files(), 'ecr.example/app')).toEqual({
      credentials: null,
      helper: { helper: 'ecr-login', file: file('docker.json'), via: 'credHelpers' },
    });
    // Nothing for it anywhere: docker's credsStore is why, and is said so.
    expect(await findCredentials(files(), 'empty.local/app')).toEqual({
      credentials: null,
      helper: { helper: 'desktop', file: file('docker.json'), via: 'credsStore' },
    });
    expect(
      await findCredentials([{ path: file('primary.json'), legacy: false }], 'empty.local/app'),
    ).toEqual({ credentials: null, helper: null });
  });

  it('lists every login once, the first file winning', async () => {
    const logins = await listLogins(files());
    expect(logins.map((l) => [l.key, l.username])).toEqual([
      ['my-registry.local/foo/bar/image', 'image-user'],
      ['my-registry.local/foo', 'foo-user'],
      ['my-registry.local', 'registry-user'],
      ['docker.io', 'hub-user'],
      ['old.example', 'url-user'],
      ['legacy.example', 'legacy-user'],
    ]);
  });

  it('refuses a file that is not JSON, naming it', async () => {
    await writeFile(file('broken.json'), '{"auths": ');
    await expect(
      findCredentials([{ path: file('broken.json'), legacy: false }], 'r.io/x'),
    ).rejects.toThrow(`${file('broken.json')} is not valid JSON`);
  });
});

describe('containers-auth.json(5): storing a login', () => {
  it('creates the file and its directory private, in the format podman writes', async () => {
    const path = join(dir, 'run/containers/0/auth.json');
    await storeCredentials(path, '127.0.0.1:5000', 'alice', 'pa:ss');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'run/containers/0'))).mode & 0o777).toBe(0o700);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      auths: { '127.0.0.1:5000': { auth: b64('alice:pa:ss') } },
    });
    const found = await findCredentials([{ path, legacy: false }], '127.0.0.1:5000/team/app');
    expect(found.credentials).toMatchObject({ username: 'alice', password: 'pa:ss' });
  });

  it('keeps every other entry and field, and replaces its own', async () => {
    const path = join(dir, 'merge.json');
    await writeFile(
      path,
      JSON.stringify({
        auths: { 'quay.io': { auth: b64('q:q') }, 'r.io': { auth: b64('old:old') } },
        credHelpers: { 'gcr.io': 'gcloud' },
      }),
    );
    await storeCredentials(path, 'r.io', 'new', 'pw');
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      auths: { 'quay.io': { auth: b64('q:q') }, 'r.io': { auth: b64('new:pw') } },
      credHelpers: { 'gcr.io': 'gcloud' },
    });
    expect(await removeCredentials(path, 'r.io')).toBe(true);
    expect(await removeCredentials(path, 'r.io')).toBe(false);
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      auths: { 'quay.io': { auth: b64('q:q') } },
      credHelpers: { 'gcr.io': 'gcloud' },
    });
    expect(await removeCredentials(join(dir, 'none.json'), 'r.io')).toBe(false);
  });
});

describe('containers-certs.d(5)', () => {
  const certs = (...parts: string[]) => join(dir, 'certs', ...parts);
  beforeAll(async () => {
    await mkdir(certs('user/r.io:5000'), { recursive: true });
    await mkdir(certs('etc/r.io:5000'), { recursive: true });
    await mkdir(certs('etc/other.io'), { recursive: true });
    await mkdir(certs('etc/bad.io'), { recursive: true });
    await mkdir(certs('etc/lonely.io'), { recursive: true });
    await writeFile(certs('user/r.io:5000/ca.crt'), 'USER CA');
    await writeFile(certs('etc/r.io:5000/ca.crt'), 'ETC CA');
    await writeFile(certs('etc/other.io/b.crt'), 'CA B');
    await writeFile(certs('etc/other.io/a.crt'), 'CA A');
    await writeFile(certs('etc/other.io/client.cert'), 'CERT');
    await writeFile(certs('etc/other.io/client.key'), 'KEY');
    await writeFile(certs('etc/bad.io/ca.cert'), 'A CA NAMED LIKE A CLIENT CERT');
    await writeFile(certs('etc/lonely.io/client.key'), 'KEY');
  });
  const dirs = () => [certs('user'), certs('etc')];

  it('takes the first directory that has the host, and nothing from later ones', async () => {
    expect(await loadHostCerts(dirs(), 'r.io:5000')).toEqual({
      dir: certs('user/r.io:5000'),
      ca: ['USER CA'],
      certs: [],
      keys: [],
    });
  });

  it('reads CAs in name order and pairs a client certificate with its key', async () => {
    expect(await loadHostCerts(dirs(), 'other.io')).toEqual({
      dir: certs('etc/other.io'),
      ca: ['CA A', 'CA B'],
      certs: ['CERT'],
      keys: ['KEY'],
    });
    expect(await loadHostCerts(dirs(), 'unknown.io')).toBeNull();
  });

  it("refuses a lone .cert or .key with podman's words", async () => {
    await expect(loadHostCerts(dirs(), 'bad.io')).rejects.toThrow(CertsError);
    await expect(loadHostCerts(dirs(), 'bad.io')).rejects.toThrow(
      /missing key ca\.key for client certificate .*ca\.cert\. Note that CA certificates should use the extension \.crt/,
    );
    await expect(loadHostCerts(dirs(), 'lonely.io')).rejects.toThrow(
      /missing client certificate client\.cert for key/,
    );
  });
});
