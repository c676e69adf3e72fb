/**
 * B4: request latency under load (autocannon, 10 connections), p99 computed exactly from every
 * response's time rather than autocannon's 1 ms histogram:
 *   B4a  /api/health (public answer) / a bare Fastify route in a separate process
 *   B4b  /api/images / podman's /v1.41/images/json on its raw socket, both warm (the daemon's
 *        list cached, podman's service past its first listing): cached vs cached;
 *   B4b-cold  the first listing of a daemon and a podman service both started afresh / the
 *        first listing of a podman service started afresh: cold vs cold (10 and 300 images);
 *   B4c  /api/images with 300 images / with 10 (warm), and B4c-cold the same cold.
 * B4b and B4c run against two private podman services holding exactly 10 and 300 images, so
 * other tests using the shared one cannot change the counts mid-run. Every server of either
 * arm (daemon, bare Fastify, podman services) runs on the server CPU set; autocannon and
 * this process on the load set.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  BENCH_DIR,
  ROOT,
  cpus,
  fmt,
  interleave,
  log,
  median,
  quantile,
  ratios,
  requestJson,
  spawnPinned,
  startDaemon,
  stopChild,
  waitForLine,
} from './lib.mjs';
import { ensureImageCount, startPrivatePodman } from './images.mjs';

const autocannon = createRequire(join(ROOT, 'package.json'))('autocannon');

const DURATION = Number(process.env.BENCH_B4_SECONDS || 1.5);
const CONNECTIONS = 10;

/** One autocannon run; returns the exact p99 (ms) and the request rate. */
function load({ url, socketPath, headers, duration = DURATION }) {
  return new Promise((resolve, reject) => {
    const times = [];
    let non2xx = 0;
    const inst = autocannon(
      { url, socketPath, headers, connections: CONNECTIONS, duration, pipelining: 1 },
      (err, res) => {
        if (err) return reject(err);
        if (!times.length) return reject(new Error(`no successful response from ${url}`));
        resolve({
          value: quantile(times, 0.99),
          p50: quantile(times, 0.5),
          rps: times.length / duration,
          requests: times.length,
          non2xx: non2xx + res.non2xx,
          errors: res.errors,
        });
      },
    );
    inst.on('response', (client, status, bytes, ms) => {
      if (status >= 200 && status < 300) times.push(ms);
      else non2xx++;
    });
  });
}

async function startBare() {
  const child = spawnPinned(process.execPath, [join(BENCH_DIR, 'bare-fastify.mjs'), '0'], {
    cpu: cpus()?.server,
  });
  const m = await waitForLine(child, /listening (\d+)/, 15_000, 'bare fastify');
  return { child, port: Number(m[1]), pid: child.pid };
}

function row(results, id, title, goal, out, aLabel, bLabel) {
  const r = ratios(out.values.a, out.values.b);
  const med = (xs) => fmt(quantile(xs, 0.5));
  const rps = (arm) =>
    fmt(
      quantile(
        out.details[arm].map((d) => d.rps),
        0.5,
      ),
    );
  results.add({
    id,
    title,
    goal,
    ...r,
    note: `p99 ${med(out.values.a)} vs ${med(out.values.b)} ms; ${rps('a')} vs ${rps('b')} req/s`,
    arms: { a: aLabel, b: bLabel },
    values: out.values,
    details: out.details,
  });
}

export async function run({ results, env }) {
  // B4a ---------------------------------------------------------------------------
  const daemon = await startDaemon({
    podmanSocket: env.socket,
    registriesConf: env.registriesConf,
  });
  const bare = await startBare();
  try {
    const out = await interleave({
      log: (m) => log(`B4a ${m}`),
      arms: {
        a: () => load({ url: `${daemon.base}/api/health`, headers: { host: daemon.headers.host } }),
        b: () => load({ url: `http://127.0.0.1:${bare.port}/health` }),
      },
    });
    row(
      results,
      'B4a',
      'p99 /api/health / bare Fastify route',
      { op: '<=', value: 1.25 },
      out,
      'daemon /api/health (public)',
      'bare fastify /health',
    );
  } finally {
    await stopChild(bare.child);
    await daemon.stop();
  }

  // B4b, B4c ----------------------------------------------------------------------
  let p10, p300, d10, d300;
  try {
    const t = performance.now();
    [p10, p300] = await Promise.all([
      startPrivatePodman(env, 'n10'),
      startPrivatePodman(env, 'n300'),
    ]);
    await ensureImageCount(p10.socket, 10);
    await ensureImageCount(p300.socket, 300);
    log(
      `B4: private podman services with 10 and 300 images ready in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    // Cold vs cold: a podman service started afresh (and, for the daemon's arm, a daemon
    // started afresh on it), first listing timed. Page caches are warm in both arms alike.
    const coldDaemon = async (p, n) => {
      await p.restart();
      const d = await startDaemon({
        podmanSocket: p.socket,
        registriesConf: env.registriesConf,
        name: `daemon-${n}-cold`,
      });
      try {
        const t0 = performance.now();
        const r = await d.request('GET', '/api/images');
        const ms = performance.now() - t0;
        if (r.status !== 200 || r.data.length !== n)
          throw new Error(`cold /api/images, ${n} images: HTTP ${r.status}, ${r.data?.length}`);
        return ms;
      } finally {
        await d.stop();
      }
    };
    const coldPodman = async (p, n) => {
      await p.restart();
      const t0 = performance.now();
      const r = await requestJson({ socketPath: p.socket, path: '/v1.41/images/json' });
      const ms = performance.now() - t0;
      // The daemon's probe image (labelled, left out of /api/images) is podman's one more.
      const listed = r.data?.filter?.((i) => !i.Labels?.['io.archdeck.probe']).length;
      if (r.status !== 200 || listed !== n)
        throw new Error(`cold images/json, ${n} images: HTTP ${r.status}, ${listed}`);
      return ms;
    };
    const cold = await interleave({
      log: (m) => log(`B4-cold ${m}`),
      warmup: 0,
      arms: {
        d10: () => coldDaemon(p10, 10),
        p10: () => coldPodman(p10, 10),
        d300: () => coldDaemon(p300, 300),
        p300: () => coldPodman(p300, 300),
      },
    });
    const cv = cold.values;
    results.add({
      id: 'B4b-cold',
      title: 'first /api/images, cold daemon / first images/json, cold podman (10 images)',
      ...ratios(cv.d10, cv.p10),
      note: `${fmt(median(cv.d10))} vs ${fmt(median(cv.p10))} ms`,
      values: { a: cv.d10, b: cv.p10 },
    });
    results.add({
      id: 'B4b-cold-300',
      title: 'first /api/images, cold daemon / first images/json, cold podman (300 images)',
      ...ratios(cv.d300, cv.p300),
      note: `${fmt(median(cv.d300))} vs ${fmt(median(cv.p300))} ms`,
      values: { a: cv.d300, b: cv.p300 },
    });
    results.add({
      id: 'B4c-cold',
      title: 'first /api/images, cold daemon: 300 images / 10',
      ...ratios(cv.d300, cv.d10),
      note: `${fmt(median(cv.d300))} vs ${fmt(median(cv.d10))} ms`,
      values: { a: cv.d300, b: cv.d10 },
    });

    d10 = await startDaemon({
      podmanSocket: p10.socket,
      registriesConf: env.registriesConf,
      name: 'daemon-10',
    });
    d300 = await startDaemon({
      podmanSocket: p300.socket,
      registriesConf: env.registriesConf,
      name: 'daemon-300',
    });
    for (const [d, n] of [
      [d10, 10],
      [d300, 300],
    ]) {
      const r = await d.request('GET', '/api/images');
      if (r.status !== 200 || r.data.length !== n)
        throw new Error(
          `/api/images on the ${n}-image service: HTTP ${r.status}, ${r.data?.length}`,
        );
    }

    const out = await interleave({
      log: (m) => log(`B4b ${m}`),
      arms: {
        a: () => load({ url: `${d10.base}/api/images`, headers: d10.headers }),
        b: () => load({ url: 'http://localhost/v1.41/images/json', socketPath: p10.socket }),
      },
    });
    row(
      results,
      'B4b',
      'p99 /api/images (warm) / podman images/json (warm), cached vs cached',
      { op: '<=', value: 0.5 },
      out,
      'daemon /api/images, 10 images',
      'podman /v1.41/images/json, 10 images',
    );

    const out2 = await interleave({
      log: (m) => log(`B4c ${m}`),
      arms: {
        a: () => load({ url: `${d300.base}/api/images`, headers: d300.headers }),
        b: () => load({ url: `${d10.base}/api/images`, headers: d10.headers }),
      },
    });
    row(
      results,
      'B4c',
      'p99 /api/images 300 images / 10 images',
      { op: '<=', value: 1.5 },
      out2,
      'daemon /api/images, 300 images',
      'daemon /api/images, 10 images',
    );
  } finally {
    await d10?.stop();
    await d300?.stop();
    await p10?.stop();
    await p300?.stop();
  }
}
