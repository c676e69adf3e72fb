/**
 * B9: `archdeck ps` (the client in the daemon's binary, server/bin/archdeck.js, speaking HTTP
 * to a running daemon) / `podman ps -a` (archdeck lists every container, as -a does): wall
 * time of the whole command, process start to exit. Both list the same CONTAINERS containers
 * of a private podman service (bench/images.mjs startPrivatePodman), so other tests cannot
 * change the count mid-run; each round checks both printed exactly that many rows. Both
 * commands, the daemon and the podman service run on the server CPU set.
 *
 * B9-floor: `node -e 0` / `podman ps -a`, the same way: what starting Node alone costs, which
 * no client run by Node can go under. Reported, not a goal.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  ROOT,
  createContainer,
  fmt,
  interleave,
  log,
  median,
  now,
  ok,
  onServerCpus,
  ratios,
  removeContainers,
  sleep,
  startDaemon,
} from './lib.mjs';
import { ensureImageCount, startPrivatePodman } from './images.mjs';

const CONTAINERS = Number(process.env.BENCH_B9_CONTAINERS || 20);
const IMAGE = 'localhost/archdeck-bench/many:n0000';

/** Runs a command on the server CPU set; resolves with its wall time (ms) and stdout. */
function timed(cmd, args, env) {
  const [c, a] = onServerCpus(cmd, args);
  const t0 = now();
  return new Promise((resolve, reject) => {
    const child = spawn(c, a, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = now() - t0;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')}: exit ${code}: ${err}`));
      resolve({ ms, out });
    });
  });
}

/** Rows of a table with one header line. */
const rows = (text) => text.split('\n').filter((l) => l.trim()).length - 1;

/**
 * Waits for the daemon's proof that podman can start a container: it runs its probe after
 * connecting (server/src/host/container-check.ts), and `podman ps -a` would list that one too
 * while it runs.
 */
async function containerCheckDone(daemon) {
  const deadline = now() + 120_000;
  for (;;) {
    const health = await ok(daemon.request('GET', '/api/health'), 'GET /api/health');
    const state = health.containers.canStart;
    if (state === 'yes' || state === 'no') return;
    if (now() > deadline) throw new Error(`the daemon's container check is still ${state}`);
    await sleep(100);
  }
}

export async function run({ results, env }) {
  const p = await startPrivatePodman(env, 'ps');
  let daemon = null;
  try {
    // The private storage is kept across runs: so are containers a stopped run left.
    await removeContainers(p.socket, { namePrefix: 'archdeck-bench-ps-' });
    await ensureImageCount(p.socket, 1);
    for (let i = 0; i < CONTAINERS; i++) {
      await createContainer(p.socket, {
        image: IMAGE,
        cmd: ['true'],
        name: `archdeck-bench-ps-${i}`,
        start: false,
      });
    }
    daemon = await startDaemon({
      podmanSocket: p.socket,
      registriesConf: env.registriesConf,
      name: 'daemon-ps',
    });
    await containerCheckDone(daemon);
    const check = (what, out) => {
      if (rows(out) !== CONTAINERS)
        throw new Error(`${what} listed ${rows(out)} containers, not ${CONTAINERS}:\n${out}`);
    };
    const out = await interleave({
      log: (m) => log(`B9 ${m}`),
      arms: {
        archdeck: async () => {
          const r = await timed(process.execPath, [
            join(ROOT, 'server/bin/archdeck.js'),
            'ps',
            '--url',
            daemon.base,
            '--data-dir',
            daemon.dataDir,
          ]);
          check('archdeck ps', r.out);
          return r.ms;
        },
        podman: async () => {
          const r = await timed(
            'podman',
            ['--root', p.spec.root, '--runroot', p.spec.runroot, 'ps', '-a'],
            p.spec.env,
          );
          check('podman ps -a', r.out);
          return r.ms;
        },
        node: async () => (await timed(process.execPath, ['-e', '0'])).ms,
      },
    });
    results.add({
      id: 'B9',
      title: `archdeck ps / podman ps -a, wall time (${CONTAINERS} containers)`,
      goal: { op: '<=', value: 1.0 },
      ...ratios(out.values.archdeck, out.values.podman),
      note: `${fmt(median(out.values.archdeck))} vs ${fmt(median(out.values.podman))} ms`,
      values: out.values,
    });
    results.add({
      id: 'B9-floor',
      title: 'node -e 0 / podman ps -a, wall time: starting Node alone',
      ...ratios(out.values.node, out.values.podman),
      note: `${fmt(median(out.values.node))} vs ${fmt(median(out.values.podman))} ms`,
      values: { a: out.values.node, b: out.values.podman },
    });
  } finally {
    await daemon?.stop();
    await p.stop();
  }
}
