/**
 * Registries as the host configures them, end to end, against real registries on loopback: an
 * insecure one marked so only in a drop-in, an htpasswd one logged in to through the API, a TLS
 * one with a private CA and client certificate in certs.d, a mirror in front of a registry
 * that is down, aliases and a search list for short names, and a blocked one. For each, the
 * daemon's own lookup, then a pull and a run through a podman service of the test's own that
 * the daemon starts (its managed-service code) with the test's HOME and XDG_RUNTIME_DIR: so
 * podman and the daemon read the same registries.conf, drop-ins, certs.d and auth.json by
 * default, as on a real host.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type {
  PullJob,
  RegistriesView,
  RegistryLoginResult,
  RemotePlatforms,
} from '@archdeck/shared';
import { Registries } from '../../src/registries/registries.js';
import { arrangeBinfmt } from '../binfmt-state.js';
import { buildTestApp, pullToEnd, runToExit, testEnv, type TestApp } from '../helper.js';
import { Cleanup, copyImage, makeTls, startRegistry, type Tls } from './test-registries.js';

const env = testEnv();
const cleanup = new Cleanup();
const host = (port: number) => `127.0.0.1:${port}`;
// Ports of this test's own (nothing listens on DOWN, DOWN_MIRROR and BLOCKED).
const PLAIN = host(5131);
const LOGIN = host(5132);
const TLS = host(5133);
const MIRROR = host(5134);
const DOWN = host(5135);
const DOWN_MIRROR = host(5136);
const DOWN_TOO = host(5137);
const BLOCKED = host(5138);
const IMAGE = 'team/busybox:1.36';
const ALICE = { username: 'alice', password: 'wonder-Land-42' };

let dir: string;
let home: string;
let authFile: string;
let mainConf: string;
let localDropIn: string;
let tls: Tls;
let t: TestApp;

const b64 = (s: string) => Buffer.from(s).toString('base64');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'archdeck-registries-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  home = join(dir, 'home');
  const runtime = join(dir, 'run');
  const dropIns = join(home, '.config/containers/registries.conf.d');
  for (const d of ['plain', 'login', 'tls', 'mirror', 'tlsfiles']) {
    await mkdir(join(dir, d), { recursive: true });
  }
  await mkdir(dropIns, { recursive: true });
  await mkdir(runtime, { recursive: true });
  await chmod(runtime, 0o700);
  authFile = join(runtime, 'containers/auth.json');

  tls = await makeTls(join(dir, 'tlsfiles'));
  await startRegistry(cleanup, { port: 5131, dir: join(dir, 'plain') });
  await startRegistry(cleanup, { port: 5132, dir: join(dir, 'login'), htpasswd: ALICE });
  await startRegistry(cleanup, {
    port: 5133,
    dir: join(dir, 'tls'),
    tls: { ...tls, clientCerts: true },
  });
  await startRegistry(cleanup, { port: 5134, dir: join(dir, 'mirror') });
  // skopeo's cert dir has podman's certs.d layout.
  const skopeoCerts = join(dir, 'skopeo-certs');
  await mkdir(skopeoCerts);
  await copyFile(tls.ca, join(skopeoCerts, 'ca.crt'));
  await copyFile(tls.clientCert, join(skopeoCerts, 'client.cert'));
  await copyFile(tls.clientKey, join(skopeoCerts, 'client.key'));
  await Promise.all([
    copyImage(env.image, `${PLAIN}/${IMAGE}`, { plainHttp: true }),
    copyImage(env.image, `${LOGIN}/${IMAGE}`, {
      plainHttp: true,
      creds: `${ALICE.username}:${ALICE.password}`,
    }),
    copyImage(env.image, `${TLS}/${IMAGE}`, { certDir: skopeoCerts }),
    copyImage(env.image, `${MIRROR}/${IMAGE}`, { plainHttp: true }),
  ]);

  // The main file knows nothing of PLAIN: the drop-in below is what makes it usable.
  mainConf = join(dir, 'registries.conf');
  await writeFile(
    mainConf,
    `unqualified-search-registries = ["${DOWN_MIRROR}", "${PLAIN}"]

[[registry]]
location = "${LOGIN}"
insecure = true

[[registry]]
location = "${DOWN}"
insecure = true
[[registry.mirror]]
location = "${MIRROR}"
insecure = true

[[registry]]
location = "${DOWN_MIRROR}"
insecure = true
[[registry.mirror]]
location = "${DOWN_TOO}"
insecure = true

[[registry]]
prefix = "rewrite.example/team"
location = "${PLAIN}/team"
insecure = true

[[registry]]
location = "${BLOCKED}"
blocked = true
`,
  );
  // The way Debian and Fedora document it.
  localDropIn = join(dropIns, '50-local.conf');
  await writeFile(localDropIn, `[[registry]]\nlocation = "${PLAIN}"\ninsecure = true\n`);
  await writeFile(
    join(dropIns, '60-aliases.conf'),
    `[aliases]\n"archdeck-busybox" = "${PLAIN}/team/busybox"\n`,
  );
  await mkdir(join(home, '.config/containers/certs.d', TLS), { recursive: true });

  const storageConf = join(dir, 'storage.conf');
  await writeFile(
    storageConf,
    `[storage]\ndriver = "vfs"\ngraphroot = "${dir}/storage"\nrunroot = "${dir}/runroot"\n`,
  );
  const binfmt = await arrangeBinfmt({ ready: ['linux/arm64'] });
  cleanup.add(() => binfmt.restore());

  // The daemon's defaults follow HOME and XDG_RUNTIME_DIR as podman's do: nothing to point.
  const daemonEnv: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    CONTAINERS_REGISTRIES_CONF: mainConf,
    CONTAINERS_STORAGE_CONF: storageConf,
  };
  for (const name of [
    'REGISTRY_AUTH_FILE',
    'XDG_CONFIG_HOME',
    'DOCKER_CONFIG',
    'CONTAINERS_CONF',
  ]) {
    delete daemonEnv[name];
  }
  t = await buildTestApp(
    { podmanSocket: null, podmanCandidates: [join(dir, 'absent.sock')] },
    daemonEnv,
  );
  cleanup.add(() => t.app.close());
  expect(t.config.authFile).toBe(authFile);
});

afterAll(() => cleanup.runAll());

async function lookup(ref: string) {
  return t.api({ url: `/api/registries/platforms?ref=${encodeURIComponent(ref)}` });
}

async function platformsOf(ref: string): Promise<RemotePlatforms> {
  const res = await lookup(ref);
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as RemotePlatforms;
  expect(body.platforms.map((p) => p.platform)).toEqual([
    'linux/amd64',
    'linux/arm64',
    'linux/ppc64le',
    'linux/s390x',
  ]);
  return body;
}

/** Pulls `ref` for arm64 through the daemon, then runs it under qemu and checks it ran so. */
async function pullAndRun(ref: string): Promise<PullJob> {
  const job = await pullToEnd(t, ref, 'linux/arm64');
  expect(job, job.error ?? '').toMatchObject({ state: 'succeeded' });
  await runToExit(t, {
    image: job.ref,
    platform: 'linux/arm64',
    cmd: ['sh', '-c', 'test "$(uname -m)" = aarch64'],
  });
  return job;
}

const login = (payload: Record<string, unknown>) =>
  t.api({ method: 'POST', url: '/api/registries/login', payload });

describe('an insecure registry marked so in a drop-in (registries.conf.d)', () => {
  it('is looked up over plain HTTP, pulled and run', async () => {
    const body = await platformsOf(`${PLAIN}/${IMAGE}`);
    expect(body).toMatchObject({
      reference: `${PLAIN}/${IMAGE}`,
      resolution: null,
      source: { reference: `${PLAIN}/${IMAGE}`, mirror: false },
    });
    await pullAndRun(`${PLAIN}/${IMAGE}`);
  });

  it('is what made the difference: without the drop-ins the lookup fails as before', async () => {
    const mainOnly = new Registries(
      {
        registriesConf: mainConf,
        registriesConfDirs: [],
        shortNameAliasesConf: join(dir, 'none.conf'),
        authFile,
        authFiles: [],
        certsDirs: [],
      },
      pino({ level: 'silent' }),
    );
    await expect(mainOnly.inspect(`${PLAIN}/${IMAGE}`)).rejects.toMatchObject({
      statusCode: 502,
      code: 'registry_tls',
      message: expect.stringContaining('mark it insecure in a registries.conf drop-in'),
    });
  });
});

describe('an htpasswd registry and a login', () => {
  it("asks for a login first, refuses a wrong password in the registry's words and stores nothing", async () => {
    const anonymous = await lookup(`${LOGIN}/${IMAGE}`);
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({
      code: 'registry_unauthorized',
      message: expect.stringContaining(`log in to ${LOGIN} (Registries page, or podman login`),
    });

    const wrong = await login({ registry: LOGIN, username: 'alice', password: 'not-it' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({
      code: 'registry_unauthorized',
      message: `${LOGIN} refused the login of "alice": authentication required. Check the user name and password`,
    });
    await expect(stat(authFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stores a good login where podman reads it, and podman pulls with it', async () => {
    const res = await login({ registry: LOGIN, ...ALICE });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      registry: LOGIN,
      username: 'alice',
      authFile,
      checked: true,
    } satisfies RegistryLoginResult);
    expect(res.body).not.toContain(ALICE.password);
    expect((await stat(authFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(authFile, 'utf8'))).toEqual({
      auths: { [LOGIN]: { auth: b64(`alice:${ALICE.password}`) } },
    });

    const list = (await t.api({ url: '/api/registries' })).json() as RegistriesView;
    expect(list.registries.find((r) => r.prefix === LOGIN)?.login).toEqual({
      username: 'alice',
      file: authFile,
      removable: true,
    });

    await platformsOf(`${LOGIN}/${IMAGE}`);
    await pullAndRun(`${LOGIN}/${IMAGE}`);
  });

  it('logs out, once', async () => {
    const out = await t.api({
      method: 'DELETE',
      url: `/api/registries/login/${encodeURIComponent(LOGIN)}`,
    });
    expect(out.statusCode).toBe(204);
    expect(JSON.parse(await readFile(authFile, 'utf8'))).toEqual({ auths: {} });
    const again = await t.api({
      method: 'DELETE',
      url: `/api/registries/login/${encodeURIComponent(LOGIN)}`,
    });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ code: 'not_logged_in' });
    expect((await lookup(`${LOGIN}/${IMAGE}`)).statusCode).toBe(401);
  });

  it('says so when a later auth file leaves the registry to a credential helper', async () => {
    const docker = join(home, '.docker/config.json');
    await mkdir(join(home, '.docker'), { recursive: true });
    await writeFile(docker, JSON.stringify({ credHelpers: { [LOGIN]: 'pass' } }));
    try {
      const res = await lookup(`${LOGIN}/${IMAGE}`);
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toContain(
        `${docker} names the credential helper "pass" for ${LOGIN}, and archdeck runs no credential helper`,
      );
    } finally {
      await rm(docker);
    }
  });

  it('refuses bad input with a 400 that says why, and changes nothing', async () => {
    const before = await readFile(authFile, 'utf8');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [
        { registry: `https://${LOGIN}`, ...ALICE },
        /without "https:\/\/": e\.g\. "127\.0\.0\.1:5132"/,
      ],
      [{ registry: `${LOGIN}/team`, ...ALICE }, /write only the host and port/],
      [{ registry: 'bad host', ...ALICE }, /Invalid registry/],
      [{ registry: LOGIN, username: 'a:b', password: 'x' }, /cannot contain ":"/],
      [{ registry: LOGIN, username: 'alice' }, /password/],
      [{ registry: LOGIN, username: 'alice', password: '' }, /password/],
      [{ registry: LOGIN, ...ALICE, remember: true }, /additional properties/],
    ];
    for (const [payload, message] of cases) {
      const res = await login(payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().message).toMatch(message);
      expect(res.body).not.toContain(ALICE.password);
    }
    const blocked = await login({ registry: BLOCKED, ...ALICE });
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json()).toMatchObject({ code: 'registry_blocked' });
    const down = await login({ registry: DOWN, ...ALICE });
    expect(down.statusCode).toBe(502);
    expect(down.json().message).toBe(
      `cannot reach ${DOWN}: it refused the connection. The registry may be offline, or the name "${DOWN}" may be wrong`,
    );
    expect(await readFile(authFile, 'utf8')).toBe(before);
  });
});

describe('a TLS registry with a private CA and client certificates in certs.d', () => {
  it('says where podman looks for the CA while it is missing', async () => {
    const res = await lookup(`${TLS}/${IMAGE}`);
    expect(res.statusCode).toBe(502);
    expect(res.json()).toMatchObject({
      code: 'registry_tls',
      message: expect.stringContaining(`/etc/containers/certs.d/${TLS}/ca.crt`),
    });
  });

  it('is looked up, pulled and run with them', async () => {
    const certs = join(home, '.config/containers/certs.d', TLS);
    await copyFile(tls.ca, join(certs, 'ca.crt'));
    await copyFile(tls.clientCert, join(certs, 'client.cert'));
    await copyFile(tls.clientKey, join(certs, 'client.key'));
    await platformsOf(`${TLS}/${IMAGE}`);
    await pullAndRun(`${TLS}/${IMAGE}`);
  });
});

describe('mirrors', () => {
  it('reads from the mirror of a registry that is down, and pulls through it', async () => {
    const body = await platformsOf(`${DOWN}/${IMAGE}`);
    expect(body).toMatchObject({
      reference: `${DOWN}/${IMAGE}`,
      source: { reference: `${MIRROR}/${IMAGE}`, mirror: true },
    });
    const job = await pullAndRun(`${DOWN}/${IMAGE}`);
    expect(job.ref).toBe(`${DOWN}/${IMAGE}`);
  });

  it('names every source that failed, and how, when the mirror is down too', async () => {
    const res = await lookup(`${DOWN_MIRROR}/${IMAGE}`);
    expect(res.statusCode).toBe(502);
    const { code, message } = res.json() as { code: string; message: string };
    expect(code).toBe('registry_unreachable');
    expect(message).toContain(
      `none of the 2 sources of ${DOWN_MIRROR}/${IMAGE} (mirrors first, as [[registry]] "${DOWN_MIRROR}" in ${mainConf} lists them) could be read`,
    );
    expect(message).toContain(
      `• mirror ${DOWN_TOO}/${IMAGE}: cannot reach ${DOWN_TOO}: it refused the connection`,
    );
    expect(message).toContain(
      `• location ${DOWN_MIRROR}/${IMAGE}: cannot reach ${DOWN_MIRROR}: it refused the connection`,
    );
  });

  it('pulls a rewritten location under the name asked for', async () => {
    const body = await platformsOf(`rewrite.example/${IMAGE}`);
    expect(body).toMatchObject({
      reference: `rewrite.example/${IMAGE}`,
      source: { reference: `${PLAIN}/${IMAGE}`, mirror: false },
    });
  });
});

describe('short names, as podman resolves them', () => {
  it('takes an alias from a drop-in, and the pull uses the name it stands for', async () => {
    const body = await platformsOf('archdeck-busybox:1.36');
    expect(body).toMatchObject({
      reference: `${PLAIN}/${IMAGE}`,
      resolution: {
        input: 'archdeck-busybox:1.36',
        rationale: 'alias',
        source: join(home, '.config/containers/registries.conf.d/60-aliases.conf'),
        candidates: [`${PLAIN}/${IMAGE}`],
      },
    });
    const job = await pullAndRun('archdeck-busybox:1.36');
    expect(job.ref).toBe(`${PLAIN}/${IMAGE}`);
  });

  it('tries the search registries in order and says which one had it', async () => {
    const body = await platformsOf(IMAGE);
    expect(body).toMatchObject({
      reference: `${PLAIN}/${IMAGE}`,
      resolution: {
        rationale: 'search',
        source: mainConf,
        candidates: [`${DOWN_MIRROR}/${IMAGE}`, `${PLAIN}/${IMAGE}`],
      },
    });
    const started = await t.api({
      method: 'POST',
      url: '/api/pulls',
      payload: { ref: IMAGE, platform: 'linux/arm64', policy: 'missing' },
    });
    // Pulled above under its full name: found locally through the same resolution.
    expect(started.statusCode, started.body).toBe(200);
    expect((started.json() as PullJob).ref).toBe(`${PLAIN}/${IMAGE}`);
  });

  it('lists each candidate and why it failed when none has the image', async () => {
    const res = await lookup('nothere:1');
    expect(res.statusCode).toBe(502);
    const { message } = res.json() as { message: string };
    expect(message).toContain('"nothere:1" is a short name for 2 candidates');
    expect(message).toContain(`• ${DOWN_MIRROR}/nothere:1: none of the 2 sources`);
    expect(message).toContain(`• ${PLAIN}/nothere:1: the manifest "nothere:1" was not found`);
  });
});

describe('a blocked registry', () => {
  it('is refused before anything is asked, for a lookup and a pull', async () => {
    const res = await lookup(`${BLOCKED}/x:1`);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      code: 'registry_blocked',
      message: expect.stringContaining(
        `[[registry]] "${BLOCKED}" in ${mainConf} sets blocked = true`,
      ),
    });
    const pull = await t.api({
      method: 'POST',
      url: '/api/pulls',
      payload: { ref: `${BLOCKED}/x:1`, platform: 'linux/arm64' },
    });
    expect(pull.statusCode).toBe(403);
  });
});

describe('a registries.conf podman would refuse', () => {
  it('is a 500 that names the file and what is wrong in it', async () => {
    const bad = join(dir, 'bad-registries.conf');
    await writeFile(bad, '[[registry]]\nlocation = "https://r.example"\n');
    const registries = new Registries(
      { ...t.config, registriesConf: bad, registriesConfDirs: [] },
      pino({ level: 'silent' }),
    );
    for (const call of [() => registries.inspect('r.example/x:1'), () => registries.list()]) {
      await expect(call()).rejects.toMatchObject({
        statusCode: 500,
        code: 'registries_conf_invalid',
        message: `${bad}: invalid location "https://r.example": URI schemes are not supported; write it as host[:port][/path], and mark it insecure = true if it speaks plain HTTP. podman refuses this configuration too; fix the file`,
      });
    }
  });
});

describe('GET /api/registries', () => {
  it('lists each table with its settings, mirrors, rewrite, source and login', async () => {
    const view = (await t.api({ url: '/api/registries' })).json() as RegistriesView;
    const byPrefix = (prefix: string) => view.registries.find((r) => r.prefix === prefix);
    expect(byPrefix(PLAIN)).toMatchObject({ insecure: true, source: localDropIn, login: null });
    expect(byPrefix(BLOCKED)).toMatchObject({ blocked: true, source: mainConf });
    expect(byPrefix(DOWN)).toMatchObject({
      mirrors: [{ location: MIRROR, insecure: true, pullFromMirror: 'all' }],
    });
    expect(byPrefix('rewrite.example/team')).toMatchObject({ location: `${PLAIN}/team` });
    expect(view).toMatchObject({
      unqualifiedSearchRegistries: [DOWN_MIRROR, PLAIN],
      searchSource: mainConf,
      shortNameMode: 'permissive',
      authFile,
      credentialHelpers: ['containers-auth.json'],
    });
    expect(view.files.slice(0, 1)).toEqual([mainConf]);
    expect(view.files).toContain(localDropIn);
  });
});

describe('the daemon log', () => {
  it('never holds a password, whatever happens to the login', async () => {
    const bin = fileURLToPath(new URL('../../bin/archdeck.js', import.meta.url));
    const secret = 'Never-Logged-9c1e';
    const child = spawn(
      process.execPath,
      [
        bin,
        ...['--port', '5140', '--data-dir', join(dir, 'log-daemon')],
        ...['--podman-socket', join(dir, 'absent.sock'), '--log-level', 'trace'],
        ...['--log-format', 'json', '--registries-conf', mainConf],
        ...['--registries-conf-d', join(home, '.config/containers/registries.conf.d')],
        ...['--auth-file', join(dir, 'log-auth.json'), '--certs-d', join(dir, 'no-certs')],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (log += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (log += s));
    const exited = new Promise((r) => child.once('exit', r));
    cleanup.add(() => {
      child.kill('SIGKILL');
      return exited;
    });
    const base = 'http://127.0.0.1:5140';
    await expect
      .poll(
        () =>
          fetch(`${base}/api/health`).then(
            (r) => r.ok,
            () => false,
          ),
        { timeout: 20_000 },
      )
      .toBe(true);
    const token = (await readFile(join(dir, 'log-daemon/token'), 'utf8')).trim();
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
    const attempt = (registry: string, password: string) =>
      call('POST', '/api/registries/login', { registry, username: 'alice', password });

    expect((await attempt(LOGIN, secret)).status).toBe(401);
    expect((await attempt(DOWN, secret)).status).toBe(502);
    expect((await attempt(`https://${LOGIN}`, secret)).status).toBe(400);
    expect((await attempt(LOGIN, ALICE.password)).status).toBe(200);
    expect((await call('GET', `/api/registries/platforms?ref=${LOGIN}/${IMAGE}`)).status).toBe(200);
    expect((await call('DELETE', `/api/registries/login/${LOGIN}`)).status).toBe(204);
    child.kill('SIGTERM');
    await exited;

    expect(log).toContain('registry login stored');
    expect(log).toContain('request failed: registry_unreachable');
    for (const password of [secret, ALICE.password]) {
      expect(log).not.toContain(password);
      expect(log).not.toContain(b64(password));
      expect(log).not.toContain(b64(`alice:${password}`));
    }
  });
});
