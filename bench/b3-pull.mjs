/**
 * B3: pulling through the daemon (POST /api/pulls, then its SSE until `end`) / `podman pull
 * --arch` of the same reference from the loopback registry with the test environment's
 * storage and configuration; for a busybox-sized image (one 2 MiB layer) and a ~200 MB image of
 * 20 layers, both of random data recorded as linux/arm64 (bench/images.mjs). The image is
 * removed before every pull, and no other image shares a layer with it, so every pull
 * downloads and unpacks every layer.
 * B3-cpu: the daemon's CPU time during its pulls / the podman service's in the same intervals.
 * The daemon's podman service is the bench's own (startEnginePodman), on the server CPU set
 * like `podman pull`.
 */
import { spawn } from 'node:child_process';
import {
  cpuSeconds,
  fmt,
  interleave,
  log,
  median,
  now,
  podmanArgs,
  ratios,
  removeImages,
  startDaemon,
} from './lib.mjs';
import { PULL_IMAGES, ensurePullImage, pullViaDaemon, startEnginePodman } from './images.mjs';

const PLATFORM = 'linux/arm64';

function podmanPull(env, ref) {
  const p = podmanArgs(env, ['pull', '--arch', 'arm64', ref]);
  const t0 = now();
  return new Promise((resolve, reject) => {
    const child = spawn(p.cmd, p.args, {
      env: { ...process.env, ...p.env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('exit', (code) =>
      code === 0
        ? resolve(now() - t0)
        : reject(new Error(`podman pull ${ref}: exit ${code}: ${err}`)),
    );
  });
}

export async function run({ results, env }) {
  const small = await ensurePullImage(env, 'small');
  const big = await ensurePullImage(env, 'big');
  // The daemon's podman service is the bench's own, on the server CPU set like `podman pull`,
  // and serves no other client: its CPU time is the pull's.
  const engine = await startEnginePodman(env);
  const podmanPid = engine.pid;
  let daemon = null;
  const images = [
    ['B3a', `${PULL_IMAGES.small.mib} MiB 1-layer image`, small],
    ['B3b', `${PULL_IMAGES.big.layers}×${PULL_IMAGES.big.mib} MiB image`, big],
  ];
  try {
    daemon = await startDaemon({
      podmanSocket: engine.socket,
      registriesConf: env.registriesConf,
    });
    for (const [id, label, ref] of images) {
      const repo = ref.slice(0, ref.lastIndexOf(':'));
      const out = await interleave({
        log: (m) => log(`${id} ${m}`),
        arms: {
          a: async () => {
            await removeImages(env.socket, repo);
            const d0 = cpuSeconds(daemon.pid);
            const p0 = cpuSeconds(podmanPid);
            const { ms, job } = await pullViaDaemon(daemon, ref, PLATFORM);
            const d = cpuSeconds(daemon.pid) - d0;
            const p = cpuSeconds(podmanPid) - p0;
            return { value: ms, daemonCpu: d, podmanCpu: p, bytes: job.total };
          },
          b: async () => {
            await removeImages(env.socket, repo);
            return podmanPull(env, ref);
          },
        },
      });
      const r = ratios(out.values.a, out.values.b);
      results.add({
        id,
        title: `pull ${label}: daemon / podman pull --arch`,
        goal: { op: '<=', value: 1.05 },
        ...r,
        note: `${fmt(median(out.values.a) / 1000)} vs ${fmt(median(out.values.b) / 1000)} s`,
        arms: {
          a: `daemon POST /api/pulls + SSE to end, ${ref} ${PLATFORM}`,
          b: `podman pull --arch arm64 ${ref}`,
        },
        values: out.values,
      });
      // The warm-up round's CPU readings are dropped like its times. A small pull lasts a few
      // 10 ms clock ticks, where a round can read 0 / 0: the figure is the rounds' totals.
      const sum = (k) => out.details.a.reduce((t, d) => t + d[k], 0);
      const [dCpu, pCpu] = [sum('daemonCpu'), sum('podmanCpu')];
      if (!(pCpu > 0)) throw new Error(`${id}: the podman service used no CPU time in its pulls`);
      results.add({
        id: `${id}-cpu`,
        title: `CPU during the ${label} pull: daemon / podman service (all rounds' totals)`,
        // A small pull lasts a few 10 ms clock ticks: too coarse to gate on.
        goal: id === 'B3b' ? { op: '<=', value: 0.05 } : undefined,
        median: dCpu / pCpu,
        note: `${fmt(dCpu)} vs ${fmt(pCpu)} CPU s over ${out.details.a.length} pulls (10 ms ticks)`,
        values: out.details.a,
      });
      await removeImages(env.socket, repo);
    }
  } finally {
    await daemon?.stop();
    await engine.stop();
  }
}
