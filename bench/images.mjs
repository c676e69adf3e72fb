/**
 * The images the benchmarks use, all in bench-only places so that engineers' tests running
 * against the same test environment are never disturbed:
 *   - <registry>/archdeck-bench/busybox:1.36: a copy of the test environment's multi-arch
 *     busybox index (blobs are shared, so copying is instant) for running containers;
 *   - <registry>/archdeck-bench/small:<recipe> (one 2 MiB layer, busybox-sized) and
 *     …/big:<recipe> (~200 MB in 20 layers) of random data, for pulls: no layer of theirs is
 *     ever local before a pull, whatever other tests pulled. Built once and kept in the
 *     registry's cache directory across runs, like testenv's busybox;
 *   - private podman services (own storage, socket and configuration) for the 10 / 300 image
 *     listings, created and deleted by the benchmark.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  RESULTS_DIR,
  cpus,
  log,
  now,
  ok,
  podman,
  podmanApi,
  removeContainers,
  removeImages,
  requestJson,
  sleep,
  spawnPinned,
  sse,
  stopChild,
} from './lib.mjs';

const execFileP = promisify(execFile);

/** Pull images: random data, `layers` × `mib` MiB, recorded as linux/arm64. */
export const PULL_IMAGES = {
  small: { layers: 1, mib: 2 },
  big: { layers: 20, mib: 10 },
};
const recipe = ({ layers, mib }) => `r1-${layers}x${mib}m`;

export const benchRepo = (env, name) => `${env.registry}/archdeck-bench/${name}`;
export const busyboxRef = (env) => `${benchRepo(env, 'busybox')}:1.36`;
export const pullRef = (env, name) => `${benchRepo(env, name)}:${recipe(PULL_IMAGES[name])}`;

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

async function inRegistry(env, ref) {
  const [, repoTag] = ref.split(`${env.registry}/`);
  const [repo, tag] = repoTag.split(':');
  const r = await fetch(`http://${env.registry}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: ACCEPT },
  });
  return r.ok;
}

async function skopeoCopy(env, from, to) {
  await execFileP(
    'skopeo',
    [
      'copy',
      '--all',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${from}`,
      `docker://${to}`,
    ],
    {
      env: { ...process.env, CONTAINERS_REGISTRIES_CONF: env.registriesConf },
      maxBuffer: 16 << 20,
    },
  );
}

/** The bench copy of testenv's busybox index exists in the registry. */
export async function ensureBusyboxCopies(env) {
  const ref = busyboxRef(env);
  if (!(await inRegistry(env, ref))) {
    log(`copy ${env.image} to ${ref}`);
    await skopeoCopy(env, env.image, ref);
  }
}

/** A pull image exists in the registry (built from random data and pushed once, then cached). */
export async function ensurePullImage(env, name) {
  const ref = pullRef(env, name);
  if (await inRegistry(env, ref)) return ref;
  const { layers, mib } = PULL_IMAGES[name];
  const t = now();
  const dir = join(RESULTS_DIR, `.build-${name}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`build ${ref}: ${layers} layer(s) of ${mib} MiB random data (first run only)`);
  const lines = ['FROM scratch'];
  for (let i = 0; i < layers; i++) {
    const file = `layer-${String(i).padStart(2, '0')}.bin`;
    const out = createWriteStream(join(dir, file));
    for (let m = 0; m < mib; m++) out.write(randomBytes(1 << 20));
    await new Promise((r) => out.end(r));
    lines.push(`COPY ${file} /data/${file}`);
  }
  writeFileSync(join(dir, 'Containerfile'), lines.join('\n') + '\n');
  const local = `localhost/archdeck-bench-${name}:${recipe(PULL_IMAGES[name])}`;
  try {
    // FROM scratch + COPY runs nothing, so the platform is only what the image records.
    await podman(env, [
      'build',
      '--platform',
      'linux/arm64',
      '-t',
      local,
      '-f',
      join(dir, 'Containerfile'),
      dir,
    ]);
    await podman(env, ['push', '--tls-verify=false', local, `docker://${ref}`]);
  } finally {
    await podman(env, ['rmi', '--force', local]).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  log(`built and pushed ${ref} in ${((now() - t) / 1000).toFixed(1)} s`);
  return ref;
}

/**
 * Pulls through the daemon: POST /api/pulls, then its SSE until `end`. Returns the wall time
 * in ms and the final job.
 */
export async function pullViaDaemon(daemon, ref, platform) {
  const t0 = now();
  const job = await ok(
    daemon.request('POST', '/api/pulls', { ref, platform }),
    `POST /api/pulls ${ref}`,
  );
  let final = null;
  await sse({
    port: daemon.port,
    path: `/api/pulls/${job.id}/events`,
    headers: daemon.headers,
    onEvent: (name, data) => {
      if (name === 'end') {
        final = JSON.parse(data);
        return false;
      }
      return true;
    },
  }).done;
  const ms = now() - t0;
  if (!final) final = await ok(daemon.request('GET', `/api/pulls/${job.id}`), 'GET pull');
  if (final.state !== 'succeeded')
    throw new Error(`pull of ${ref} for ${platform}: ${final.state} ${final.error ?? ''}`);
  return { ms, job: final };
}

/** Every bench image is local for every platform, pulled through the daemon (arch tags). */
export async function ensureLocal(env, daemon, ref, platforms) {
  const list = await ok(podmanApi(env.socket, 'GET', '/v1.41/images/json'), 'list images');
  const tags = new Set(list.flatMap((i) => i.RepoTags ?? []));
  for (const p of platforms) {
    const arch = p.split('/')[1];
    if (!tags.has(`${ref}-${arch}`)) await pullViaDaemon(daemon, ref, p);
  }
}

/** Removes the bench's local images and containers from the shared test environment. */
export async function cleanupBenchImages(ctx) {
  const { env } = ctx;
  if (!env) return;
  await removeContainers(env.socket, {
    namePrefix: 'archdeck-bench',
    imagePrefix: `${env.registry}/archdeck-bench/`,
  });
  for (const name of ['busybox', 'pull-busybox', 'big'])
    await removeImages(env.socket, benchRepo(env, name));
}

/** Lines the `burst` preset writes (B5), then one last line with BURST_END. */
export const BURST_LINES = 100_000;
export const BURST_END = 'BENCH-BURST-END';

/** The daemon's presets for the UI measures: the bench busybox, quick and bursty. */
export function writePresets(env) {
  const file = join(RESULTS_DIR, '.presets.json');
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    file,
    JSON.stringify([
      {
        id: 'busybox',
        title: 'BusyBox',
        image: busyboxRef(env),
        description: 'bench: one line',
        cmd: ['sh', '-c', 'echo bench-first-line'],
        tty: false,
      },
      {
        id: 'burst',
        title: 'Burst',
        image: busyboxRef(env),
        description: `bench: ${BURST_LINES} lines`,
        // The wait lets the UI open the log first, so that every line comes by the follow.
        cmd: [
          'sh',
          '-c',
          `sleep 2; awk 'BEGIN { for (i = 0; i < ${BURST_LINES}; i++) print "burst " i " lorem ipsum dolor sit amet, consectetur adipiscing elit"; print "${BURST_END}" }'`,
        ],
        tty: false,
      },
    ]),
  );
  return file;
}

// --- private podman services -------------------------------------------------------

/**
 * A podman API service of its own (storage, runroot, tmp, events, socket) with testenv's
 * configuration otherwise: for measures that need a fixed image count whatever other tests
 * do to the shared service. Its image storage is kept in the test environment's cache
 * directory (like the registry) so the next run does not import the images again; the
 * runtime directories are in /tmp, short: podman refuses a runroot over 50 characters.
 */
export async function startPrivatePodman(env, name) {
  const dir = `/tmp/archdeck-bench-${name}`;
  const root = env.cacheDir ? join(env.cacheDir, `bench-podman-${name}`) : join(dir, 'root');
  await unmountUnder(dir);
  await unmountUnder(root);
  rmSync(dir, { recursive: true, force: true });
  for (const d of ['runroot', 'tmp', 'networks']) mkdirSync(join(dir, d), { recursive: true });
  mkdirSync(root, { recursive: true });
  const swap = (text) => text.split(env.dir).join(dir).split(env.root).join(root);
  writeFileSync(join(dir, 'containers.conf'), swap(readFileSync(env.containersConf, 'utf8')));
  writeFileSync(join(dir, 'storage.conf'), swap(readFileSync(env.storageConf, 'utf8')));
  const socket = join(dir, 'podman.sock');
  const child = await podmanService({
    name,
    socket,
    root,
    runroot: join(dir, 'runroot'),
    log: join(dir, 'podman.log'),
    env: {
      CONTAINERS_CONF: join(dir, 'containers.conf'),
      CONTAINERS_REGISTRIES_CONF: env.registriesConf,
      CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
      TMPDIR: join(dir, 'tmp'),
    },
  });
  return {
    dir,
    socket,
    pid: child.pid,
    /** Stops the service and starts a fresh one on the same storage: a cold podman. */
    async restart() {
      await stopChild(this.child);
      this.child = await podmanService(this.spec);
      this.pid = this.child.pid;
    },
    child,
    spec: {
      name,
      socket,
      root,
      runroot: join(dir, 'runroot'),
      log: join(dir, 'podman.log'),
      env: {
        CONTAINERS_CONF: join(dir, 'containers.conf'),
        CONTAINERS_REGISTRIES_CONF: env.registriesConf,
        CONTAINERS_STORAGE_CONF: join(dir, 'storage.conf'),
        TMPDIR: join(dir, 'tmp'),
      },
    },
    async stop() {
      await stopChild(this.child);
      await unmountUnder(dir);
      await unmountUnder(root);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A podman API service of the bench's own on the test environment's storage and
 * configuration, pinned to the server CPU set: what the daemon talks to wherever its arm is
 * compared with the podman CLI (B2, B3, EMU, B9), so that podman's work runs on the same CPUs
 * in both arms. (The shared service of the test environment belongs to the engineers' tests
 * and runs on every CPU.) Two podman processes on one storage is podman's ordinary case: the
 * CLI and the service share it all the time.
 */
export async function startEnginePodman(env) {
  const dir = `/tmp/archdeck-bench-engine-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'podman.sock');
  const child = await podmanService({
    name: 'engine',
    socket,
    root: env.root,
    runroot: env.runroot,
    log: join(dir, 'podman.log'),
    env: {
      CONTAINERS_CONF: env.containersConf,
      CONTAINERS_REGISTRIES_CONF: env.registriesConf,
      CONTAINERS_STORAGE_CONF: env.storageConf,
      TMPDIR: join(env.dir, 'tmp'),
    },
  });
  return {
    socket,
    pid: child.pid,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `podman system service` on the server CPU set; resolves once it answers /_ping. */
async function podmanService({ name, socket, root, runroot, log: logFile, env }) {
  rmSync(socket, { force: true });
  const child = spawnPinned(
    'podman',
    ['--root', root, '--runroot', runroot, 'system', 'service', '--time=0', `unix://${socket}`],
    {
      cpu: cpus()?.server,
      env,
      // podman logs every request; an unread pipe would fill and stall the service.
      stdio: ['ignore', 'ignore', openSync(logFile, 'a')],
    },
  );
  for (let i = 0; ; i++) {
    const r = await requestJson({ socketPath: socket, path: '/_ping', timeoutMs: 2000 }).catch(
      () => null,
    );
    if (r?.status === 200) break;
    if (i > 150 || child.exitCode !== null)
      throw new Error(`private podman service ${name} did not start`);
    await sleep(100);
  }
  return child;
}

/** podman bind-mounts its overlay directory onto itself; unmount what it left, deepest first. */
async function unmountUnder(dir) {
  if (!existsSync(dir)) return;
  const mounts = execFileSync('findmnt', ['-rn', '-o', 'TARGET'], { encoding: 'utf8' })
    .split('\n')
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort()
    .reverse();
  for (const m of mounts) {
    try {
      execFileSync('umount', [m]);
    } catch {
      execFileSync('umount', ['-l', m]);
    }
  }
}

/** Tiny tar archive holding one file: every import with other content is a distinct image. */
function tinyTar(content) {
  const data = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write('bench.txt', 0);
  header.write('0000644\0', 100);
  header.write('0000000\0', 108);
  header.write('0000000\0', 116);
  header.write(data.length.toString(8).padStart(11, '0') + '\0', 124);
  header.write('00000000000\0', 136);
  header.write('        ', 148);
  header.write('0', 156);
  header.write('ustar\0', 257);
  header.write('00', 263);
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, pad, Buffer.alloc(1024)]);
}

/**
 * Makes the service hold exactly `count` images, each a distinct one-file image tagged
 * localhost/archdeck-bench/many:nNNNN (libpod import); kept ones are reused.
 */
export async function ensureImageCount(socket, count, concurrency = 4) {
  const list = await ok(podmanApi(socket, 'GET', '/v1.41/images/json?all=true'), 'list images');
  const want = new Set(
    Array.from(
      { length: count },
      (_, i) => `localhost/archdeck-bench/many:n${String(i).padStart(4, '0')}`,
    ),
  );
  const have = new Set();
  for (const img of list) {
    const tags = img.RepoTags ?? [];
    if (tags.length === 1 && want.has(tags[0]) && !have.has(tags[0])) have.add(tags[0]);
    else
      await podmanApi(socket, 'DELETE', `/v1.41/images/${encodeURIComponent(img.Id)}?force=true`);
  }
  const missing = [...want].filter((t) => !have.has(t));
  const worker = async () => {
    for (let tag; (tag = missing.shift());) {
      const body = tinyTar(`archdeck bench image ${tag} ${randomBytes(8).toString('hex')}\n`);
      const r = await rawPost(
        socket,
        `/v4.0.0/libpod/images/import?reference=${encodeURIComponent(tag)}`,
        body,
      );
      if (r.status !== 200)
        throw new Error(`import ${tag}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const after = await ok(podmanApi(socket, 'GET', '/v1.41/images/json?all=true'), 'list images');
  if (after.length !== count)
    throw new Error(`expected ${count} images, podman lists ${after.length}`);
}

async function rawPost(socketPath, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        socketPath,
        path,
        method: 'POST',
        headers: { host: 'd', 'content-type': 'application/x-tar', 'content-length': body.length },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
