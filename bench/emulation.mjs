/**
 * Reported, never gated: the emulation factor itself and the daemon's share of a run.
 *   EMU-<arch>        `podman run` of a busybox shell loop as <arch> / the same natively (amd64);
 *   EMU-daemon-<arch> (daemon − podman) / daemon: the share of the wall time a run through the
 *                     daemon (POST /api/containers, logs SSE until `end`) adds to `podman run`.
 */
import { fmt, interleave, log, median, now, ok, ratios, startDaemon } from './lib.mjs';
import { busyboxRef, ensureBusyboxCopies, ensureLocal, startEnginePodman } from './images.mjs';
import { daemonLogs, logsEndpoint } from './b1-logs.mjs';
import { ARCHES, podmanRun } from './b2-run.mjs';

const LOOP = Number(process.env.BENCH_EMU_LOOP || 100_000);
const CMD = ['sh', '-c', `i=0; while [ $i -lt ${LOOP} ]; do i=$((i+1)); done; echo $i`];

async function daemonRun(daemon, image, platform) {
  const t0 = now();
  const c = await ok(
    daemon.request('POST', '/api/containers', { image, platform, cmd: CMD }),
    'POST /api/containers',
  );
  const r = await daemonLogs(daemon, c.id, { follow: true }).done;
  const ms = now() - t0;
  await daemon.request('DELETE', `/api/containers/${c.id}`);
  if (!r.end) throw new Error('the logs stream ended without `end`');
  return ms;
}

export async function run({ results, env }) {
  await ensureBusyboxCopies(env);
  const ref = busyboxRef(env);
  // The daemon's podman service runs on the server CPU set, like `podman run`.
  const engine = await startEnginePodman(env);
  let daemon = null;
  try {
    daemon = await startDaemon({
      podmanSocket: engine.socket,
      registriesConf: env.registriesConf,
    });
    const viaDaemon = await logsEndpoint(daemon);
    await ensureLocal(
      env,
      daemon,
      ref,
      ARCHES.map((a) => `linux/${a}`),
    );
    const arms = {};
    for (const arch of ARCHES) {
      arms[`podman-${arch}`] = () => podmanRun(env, `${ref}-${arch}`, CMD, { untilExit: true });
      if (viaDaemon) arms[`daemon-${arch}`] = () => daemonRun(daemon, ref, `linux/${arch}`);
    }
    const out = await interleave({ log: (m) => log(`EMU ${m}`), arms });
    const v = out.values;
    for (const arch of ARCHES.filter((a) => a !== 'amd64')) {
      results.add({
        id: `EMU-${arch}`,
        title: `emulation factor: ${LOOP / 1000}k-iteration sh loop as ${arch} / native`,
        ...ratios(v[`podman-${arch}`], v['podman-amd64']),
        note: `podman run wall time ${fmt(median(v[`podman-${arch}`]))} vs ${fmt(median(v['podman-amd64']))} ms (container start included)`,
        values: { a: v[`podman-${arch}`], b: v['podman-amd64'] },
      });
    }
    for (const arch of ARCHES) {
      if (!viaDaemon) {
        results.failed(
          `EMU-daemon-${arch}`,
          `daemon's share of the ${arch} run`,
          'the daemon has no GET /api/containers/:id/logs yet',
        );
        continue;
      }
      const d = v[`daemon-${arch}`];
      const p = v[`podman-${arch}`];
      const shares = d.map((x, i) => (x - p[i]) / x);
      results.add({
        id: `EMU-daemon-${arch}`,
        title: `daemon's share of the ${arch} run: (daemon − podman run) / daemon`,
        median: median(shares),
        min: Math.min(...shares),
        max: Math.max(...shares),
        rounds: shares,
        note: `${fmt(median(d))} vs ${fmt(median(p))} ms`,
        values: { daemon: d, podman: p },
      });
    }
  } finally {
    await daemon?.stop();
    await engine.stop();
  }
}
