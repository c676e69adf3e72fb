/**
 * Reported, never gated: the emulation factor per emulated CPU model. The workload is
 * bench/cpu-work.c, a call-heavy recursive fib timed by itself (container and qemu start not
 * included), built for each architecture with the probes' cross compilers; arm64's with
 * -mbranch-protection=standard, as distributions that enable it build their packages.
 *   EMU-CPU-<arch>            its compute time as <arch> under qemu's default model / native;
 *   EMU-CPU-<arch>-suggested  the same with the model archdeck preselects, where it has one;
 *   EMU-CPU-<arch>-fastest    the same with the fastest model offered (named in the note).
 * Each run goes through the daemon: POST /api/containers with `cpu`, every model the daemon
 * offers for the architecture (GET /api/emulators/:arch/cpus), interleaved.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  BENCH_DIR,
  RESULTS_DIR,
  fmt,
  interleave,
  log,
  median,
  ok,
  podman,
  removeContainers,
  removeImages,
  startDaemon,
} from './lib.mjs';
import { daemonLogs } from './b1-logs.mjs';

const execFileP = promisify(execFile);
const ARCHES = ['arm64', 'ppc64le', 's390x'];
const NATIVE = 'amd64';
const FIB_N = Number(process.env.BENCH_CPU_FIB || 30);
const REPO = 'localhost/archdeck-bench-cpu/work';
/** OCI architecture → cross compiler, as scripts/build-probes.sh names them. */
const CC = {
  amd64: ['x86_64-linux-gnu-gcc'],
  arm64: ['aarch64-linux-gnu-gcc', '-mbranch-protection=standard'],
  ppc64le: ['powerpc64le-linux-gnu-gcc'],
  s390x: ['s390x-linux-gnu-gcc'],
};
const CFLAGS = [
  '-O2',
  '-ffreestanding',
  '-nostdlib',
  '-static',
  '-fno-pie',
  '-no-pie',
  '-fno-builtin',
  '-fno-stack-protector',
  '-fno-optimize-sibling-calls',
  `-DFIB_N=${FIB_N}`,
  '-Wl,--build-id=none,-e,_start',
];

/** The workload as a FROM scratch image for `arch`; its tag. */
async function buildImage(env, arch) {
  const dir = join(RESULTS_DIR, '.build-cpu-work', arch);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const [cc, ...flags] = CC[arch];
  await execFileP(cc, [
    ...CFLAGS,
    ...flags,
    '-o',
    join(dir, 'work'),
    join(BENCH_DIR, 'cpu-work.c'),
  ]);
  writeFileSync(
    join(dir, 'Containerfile'),
    'FROM scratch\nCOPY work /work\nENTRYPOINT ["/work"]\n',
  );
  const tag = `${REPO}:${arch}`;
  await podman(env, ['build', '--no-cache', '-q', '--platform', `linux/${arch}`, '-t', tag, dir]);
  return tag;
}

/** One run through the daemon; the workload's own compute time in ms. */
async function runOnce(daemon, image, platform, cpu) {
  const c = await ok(
    daemon.request('POST', '/api/containers', { image, platform, ...(cpu ? { cpu } : {}) }),
    `POST /api/containers ${platform} ${cpu ?? 'default'}`,
  );
  let line = null;
  const r = await daemonLogs(daemon, c.id, { follow: true, onFirstLine: (l) => (line = l.t) }).done;
  await daemon.request('DELETE', `/api/containers/${c.id}`);
  const m = /cpu-work fib=\d+ ns=(\d+)/.exec(line ?? '');
  if (!r.end || !m)
    throw new Error(`${platform} ${cpu ?? 'default'}: printed ${line ?? 'nothing'}`);
  return Number(m[1]) / 1e6;
}

export async function run({ results, env }) {
  const compilers = Object.values(CC).map(([cc]) => cc);
  const absent = (
    await Promise.all(
      compilers.map((cc) =>
        execFileP('sh', ['-c', `command -v ${cc}`]).then(
          () => null,
          () => cc,
        ),
      ),
    )
  ).filter(Boolean);
  if (absent.length > 0) {
    results.notMeasured(
      'EMU-CPU',
      'emulation factor per CPU model',
      `missing ${absent.join(', ')}: bash scripts/build-probes.sh --install`,
    );
    return;
  }
  const images = {};
  for (const arch of [NATIVE, ...ARCHES]) images[arch] = await buildImage(env, arch);
  const daemon = await startDaemon({
    podmanSocket: env.socket,
    registriesConf: env.registriesConf,
  });
  try {
    const offered = {};
    const arms = { [NATIVE]: () => runOnce(daemon, images[NATIVE], `linux/${NATIVE}`, null) };
    for (const arch of ARCHES) {
      offered[arch] = await ok(
        daemon.request('GET', `/api/emulators/${arch}/cpus`),
        `${arch} cpus`,
      );
      for (const m of offered[arch].models) {
        arms[`${arch}|${m.value ?? 'default'}`] = () =>
          runOnce(daemon, images[arch], `linux/${arch}`, m.value);
      }
    }
    const out = await interleave({ log: (m) => log(`EMU-CPU ${m}`), arms });
    const v = out.values;
    const factor = (arm) => v[arm].map((x, i) => x / v[NATIVE][i]);
    const row = (id, title, arm, note) => {
      const rs = factor(arm);
      results.add({
        id,
        title,
        median: median(rs),
        min: Math.min(...rs),
        max: Math.max(...rs),
        rounds: rs,
        note: `${fmt(median(v[arm]))} vs ${fmt(median(v[NATIVE]))} ms native${note ? `; ${note}` : ''}`,
        values: { emulated: v[arm], native: v[NATIVE] },
      });
    };
    const work = `fib(${FIB_N})`;
    for (const arch of ARCHES) {
      const models = offered[arch].models.map((m) => m.value ?? 'default');
      const all = models.map((m) => `${m} ${fmt(median(factor(`${arch}|${m}`)))}×`).join(', ');
      log(`EMU-CPU ${arch}: ${all}`);
      const built = arch === 'arm64' ? ', built with branch protection' : '';
      row(
        `EMU-CPU-${arch}`,
        `emulation factor, ${work}${built}, as ${arch}, qemu's default model / native`,
        `${arch}|default`,
        all,
      );
      const suggested = offered[arch].suggested;
      if (suggested) {
        row(
          `EMU-CPU-${arch}-suggested`,
          `the same with the suggested model (${suggested})`,
          `${arch}|${suggested}`,
        );
      }
      const fastest = models.reduce((a, b) =>
        median(v[`${arch}|${b}`]) < median(v[`${arch}|${a}`]) ? b : a,
      );
      row(
        `EMU-CPU-${arch}-fastest`,
        `the same with the fastest model offered (${fastest})`,
        `${arch}|${fastest}`,
      );
    }
  } finally {
    await daemon.stop();
    await removeContainers(env.socket, { imagePrefix: REPO });
    await removeImages(env.socket, REPO);
  }
}
