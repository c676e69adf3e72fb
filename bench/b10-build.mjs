/**
 * B10: a build for linux/arm64 through the daemon (POST /api/builds with the context as a
 * tar, its event stream followed to `end`) / `podman build --platform linux/arm64` of the same
 * context. The Containerfile has a RUN step, so both arms run emulated code through qemu;
 * both build without the cache, from the same local base image, on one private podman service
 * and its storage (bench/images.mjs startPrivatePodman), all on the server CPU set.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  RESULTS_DIR,
  fmt,
  interleave,
  log,
  median,
  now,
  onServerCpus,
  ratios,
  sse,
  startDaemon,
} from './lib.mjs';
import { startPrivatePodman } from './images.mjs';

const BASE = 'localhost/archdeck-bench-build/base:arm64';
const REPO = 'localhost/archdeck-bench-build/out';
/** A few seconds of emulated shell work: enough for the build itself to dominate. */
const LOOPS = Number(process.env.BENCH_B10_LOOPS || 20000);

/** podman's CLI on the private service's storage, on the server CPU set. */
function podmanCli(p, args) {
  const [cmd, pinned] = onServerCpus('podman', [
    '--root',
    p.spec.root,
    '--runroot',
    p.spec.runroot,
    ...args,
  ]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, pinned, {
      env: { ...process.env, ...p.spec.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`podman ${args.join(' ')}: exit ${code}: ${err}`)),
    );
  });
}

/** Builds through the daemon; resolves with the wall time in ms once the job succeeded. */
async function buildViaDaemon(daemon, context, tag) {
  const t0 = now();
  const query = new URLSearchParams({ tag, platforms: 'linux/arm64', noCache: 'true' });
  const res = await fetch(`${daemon.base}/api/builds?${query}`, {
    method: 'POST',
    headers: { ...daemon.headers, 'content-type': 'application/x-tar' },
    body: context,
  });
  if (res.status !== 202) throw new Error(`POST /api/builds: ${res.status} ${await res.text()}`);
  const job = await res.json();
  let final = null;
  await sse({
    port: daemon.port,
    path: `/api/builds/${job.id}/events`,
    headers: daemon.headers,
    onEvent: (name, data) => {
      if (name !== 'end') return true;
      final = JSON.parse(data);
      return false;
    },
  }).done;
  if (final?.state !== 'succeeded')
    throw new Error(`the daemon's build ended ${final?.state}: ${final?.error ?? 'no end event'}`);
  return now() - t0;
}

export async function run({ results, env }) {
  const p = await startPrivatePodman(env, 'build');
  let daemon = null;
  const dir = join(RESULTS_DIR, '.build-b10');
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await podmanCli(p, ['pull', '--platform', 'linux/arm64', env.image]);
    await podmanCli(p, ['tag', env.image, BASE]);
    writeFileSync(
      join(dir, 'Containerfile'),
      `FROM ${BASE}\nRUN i=0; while [ $i -lt ${LOOPS} ]; do i=$((i+1)); done; uname -m > /built-on\n`,
    );
    const context = execFileSync('tar', ['-C', dir, '-cf', '-', 'Containerfile']);
    daemon = await startDaemon({
      podmanSocket: p.socket,
      registriesConf: env.registriesConf,
      name: 'daemon-build',
    });
    const tag = (arm, round) => `${REPO}:${arm}-${round + 2}`;
    const out = await interleave({
      log: (m) => log(`B10 ${m}`),
      arms: {
        daemon: (r) => buildViaDaemon(daemon, context, tag('daemon', r)),
        podman: async (r) => {
          const t0 = now();
          await podmanCli(p, [
            'build',
            '--no-cache',
            '--platform',
            'linux/arm64',
            '-t',
            tag('podman', r),
            dir,
          ]);
          return now() - t0;
        },
      },
    });
    results.add({
      id: 'B10',
      title: 'build for arm64 (a RUN under qemu): daemon / podman build --platform linux/arm64',
      goal: { op: '<=', value: 1.05 },
      ...ratios(out.values.daemon, out.values.podman),
      note: `${fmt(median(out.values.daemon))} vs ${fmt(median(out.values.podman))} ms`,
      values: out.values,
    });
    // The daemon also tags each build `<tag>-arm64`: every image of the repository goes.
    const ids = execFileSync(
      'podman',
      [
        '--root',
        p.spec.root,
        '--runroot',
        p.spec.runroot,
        'images',
        '-q',
        '--filter',
        `reference=${REPO}`,
      ],
      { env: { ...process.env, ...p.spec.env }, encoding: 'utf8' },
    )
      .split('\n')
      .filter(Boolean);
    if (ids.length > 0) await podmanCli(p, ['rmi', '--force', ...new Set(ids)]);
  } finally {
    await daemon?.stop();
    await p.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
