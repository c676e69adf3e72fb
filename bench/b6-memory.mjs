/**
 * B6: memory and connections of long-lived streams (RSS from /proc/<pid>/status; the heap
 * through bench/daemon-probe.cjs, preloaded into the daemon: a full GC, then memoryUsage()).
 *   B6a  RSS per idle SSE client: N clients on /api/events / N on a bare Fastify SSE server
 *        (a fresh process per round, so freed memory of an earlier round is not reused);
 *   B6b  heap after 1000 log-stream open/close cycles / before (after a warm-up);
 *   B6c  RSS while a client reads a busy container's log at 10 KB/s for 60 s / at its start;
 *   B6d  connections from the daemon to podman's socket after every log client left, minus
 *        before any came (counted from /proc/<pid>/fd and `ss -x`). Half the cycles and 20 of
 *        the 30 held streams ask for timestamps=true, which podman's API serves: the held ones
 *        must show in the count while open, or the figure fails.
 */
import http from 'node:http';
import { join } from 'node:path';
import {
  BENCH_DIR,
  createContainer,
  cpus,
  fmt,
  interleave,
  log,
  median,
  removeContainers,
  rssKiB,
  sleep,
  spawnPinned,
  sse,
  startDaemon,
  stopChild,
  unixConnectionsTo,
  waitForLine,
} from './lib.mjs';
import { busyboxRef, ensureBusyboxCopies, ensureLocal } from './images.mjs';
import { logsEndpoint } from './b1-logs.mjs';

const IDLE_CLIENTS = Number(process.env.BENCH_B6_CLIENTS || 400);
const CYCLES = 1000;
const SLOW_SECONDS = Number(process.env.BENCH_B6_SLOW_SECONDS || 60);
const SLOW_BYTES_PER_S = 10 * 1024;

/** Opens n SSE clients and resolves once each got its first event; returns their closers. */
async function openIdle(port, path, headers, n) {
  const closers = [];
  const firsts = [];
  for (let i = 0; i < n; i++) {
    let got;
    firsts.push(new Promise((r) => (got = r)));
    const s = sse({ port, path, headers, onEvent: () => (got(), true) });
    s.done.catch(() => got());
    closers.push(s.close);
  }
  await Promise.all(firsts);
  return closers;
}

async function idleCost(start, path) {
  const server = await start();
  try {
    // Warm-up: the first stream loads code and allocates pools every later one shares.
    for (const close of await openIdle(server.port, path, server.headers, 20)) close();
    await sleep(500);
    const before = rssKiB(server.pid);
    const closers = await openIdle(server.port, path, server.headers, IDLE_CLIENTS);
    await sleep(500);
    const after = rssKiB(server.pid);
    for (const close of closers) close();
    return { value: (after - before) / IDLE_CLIENTS, before, after };
  } finally {
    await server.stop();
  }
}

async function startBare() {
  const child = spawnPinned(process.execPath, [join(BENCH_DIR, 'bare-fastify.mjs'), '0'], {
    cpu: cpus()?.server,
  });
  const m = await waitForLine(child, /listening (\d+)/, 15_000, 'bare fastify');
  return { pid: child.pid, port: Number(m[1]), headers: {}, stop: () => stopChild(child) };
}

/** A client that reads at most `rate` bytes per second from an SSE stream. */
function slowClient(daemon, path, rate) {
  let req;
  let timer;
  let read = 0;
  const opened = new Promise((resolve, reject) => {
    req = http.get(
      { host: '127.0.0.1', port: daemon.port, path, headers: daemon.headers, agent: false },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
        res.pause();
        const tick = 100;
        timer = setInterval(() => {
          const n = Math.min(Math.round((rate * tick) / 1000), res.readableLength);
          if (n > 0 && res.read(n)) read += n;
        }, tick);
        resolve();
      },
    );
    req.on('error', () => {});
  });
  return {
    opened,
    get read() {
      return read;
    },
    close() {
      clearInterval(timer);
      req.destroy();
    },
  };
}

export async function run({ results, env }) {
  await ensureBusyboxCopies(env);
  const ref = busyboxRef(env);
  const daemonOpts = { podmanSocket: env.socket, registriesConf: env.registriesConf };

  // B6a ---------------------------------------------------------------------------
  const out = await interleave({
    log: (m) => log(`B6a ${m}`),
    arms: {
      a: () => idleCost(() => startDaemon(daemonOpts), '/api/events'),
      b: () => idleCost(startBare, '/events'),
    },
  });
  const rs = out.values.a.map((a, i) => a / out.values.b[i]);
  results.add({
    id: 'B6a',
    title: `RSS per idle SSE client (${IDLE_CLIENTS}): daemon /api/events / bare Fastify`,
    goal: { op: '<=', value: 2 },
    median: median(rs),
    min: Math.min(...rs),
    max: Math.max(...rs),
    rounds: rs,
    note: `${fmt(median(out.values.a))} vs ${fmt(median(out.values.b))} KiB per client`,
    details: out.details,
  });

  // B6b, B6d, B6c -------------------------------------------------------------------
  const daemon = await startDaemon({ ...daemonOpts, probe: true });
  const ids = [];
  try {
    if (!(await logsEndpoint(daemon))) {
      for (const [id, t, g] of [
        ['B6b', `heap after ${CYCLES} log-stream open/close cycles / before`, 1.05],
        ['B6c', `RSS with a 10 KB/s log reader for ${SLOW_SECONDS} s / at its start`, 1.2],
        ['B6d', 'podman connections left after all log clients left', 0],
      ])
        results.failed(id, t, 'the daemon has no GET /api/containers/:id/logs yet', {
          op: g ? '<=' : '==',
          value: g,
        });
      return;
    }
    await ensureLocal(env, daemon, ref, ['linux/amd64']);
    const image = `${ref}-amd64`;
    const quiet = await createContainer(env.socket, {
      image,
      name: `archdeck-bench-quiet-${process.pid}`,
      cmd: ['sh', '-c', 'seq 1 300; sleep 3600'],
    });
    ids.push(quiet);
    await sleep(500);

    const path = `/api/containers/${quiet}/logs?follow=true&tail=100`;
    // timestamps=true is served by podman's API (a connection to its socket per stream); the
    // plain follow from the k8s-file on disk. The cycles and the held streams use both.
    const apiPath = `${path}&timestamps=true`;
    const cycle = async (i) => {
      let firstLines;
      const got = new Promise((r) => (firstLines = r));
      const s = sse({
        port: daemon.port,
        path: i % 2 ? apiPath : path,
        headers: daemon.headers,
        onEvent: (n) => (n === 'lines' && firstLines(), true),
      });
      s.done.catch(() => firstLines());
      await got;
      s.close();
    };
    const cycles = async (n, concurrency = 8) => {
      let left = n;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (left-- > 0) await cycle(left);
        }),
      );
    };

    const conn0 = await unixConnectionsTo(daemon.pid, env.socket);
    await cycles(100);
    await sleep(1500);
    const m0 = await daemon.memory();
    const rss0 = rssKiB(daemon.pid);
    const t = performance.now();
    await cycles(CYCLES);
    const cycleMs = (performance.now() - t) / CYCLES;
    const HELD_API = 20;
    const held = [];
    const firsts = [];
    for (let i = 0; i < HELD_API + 10; i++) {
      let got;
      firsts.push(new Promise((r) => (got = r)));
      const h = sse({
        port: daemon.port,
        path: i < HELD_API ? apiPath : path,
        headers: daemon.headers,
        onEvent: (n) => (n === 'lines' && got(), true),
      });
      h.done.catch((e) => got(e));
      held.push(h);
    }
    const errs = (await Promise.all(firsts)).filter(Boolean);
    if (errs.length) throw new Error(`B6d: ${errs.length} held streams failed: ${errs[0].message}`);
    await sleep(500);
    const connDuring = await unixConnectionsTo(daemon.pid, env.socket);
    for (const h of held) h.close();
    await sleep(6000);
    const m1 = await daemon.memory();
    const rss1 = rssKiB(daemon.pid);
    const conn1 = await unixConnectionsTo(daemon.pid, env.socket);
    results.add({
      id: 'B6b',
      title: `heap after ${CYCLES} log-stream open/close cycles / before`,
      goal: { op: '<=', value: 1.05 },
      median: m1.heapUsed / m0.heapUsed,
      note:
        `heapUsed ${fmt(m0.heapUsed / 2 ** 20)} → ${fmt(m1.heapUsed / 2 ** 20)} MiB, RSS ${fmt(rss0 / 1024)} → ${fmt(rss1 / 1024)} MiB ` +
        `(×${fmt(rss1 / rss0)}); ${fmt(cycleMs)} ms per cycle (half with timestamps=true); one process lifetime, no rounds`,
      before: { ...m0, rssKiB: rss0 },
      after: { ...m1, rssKiB: rss1 },
    });
    // The count must see the streams it is meant to count: each held API-path stream holds a
    // podman connection while it is open. If it does not show, the count proves nothing.
    if (connDuring - conn0 < HELD_API) {
      results.failed(
        'B6d',
        'podman connections leaked after all log clients left',
        `the count does not see the held streams: before ${conn0}, with ${HELD_API} timestamps=true streams open ${connDuring}`,
        { op: '==', value: 0 },
      );
    } else {
      results.add({
        id: 'B6d',
        title: 'podman connections leaked after all log clients left: max(0, after − before)',
        goal: { op: '==', value: 0 },
        median: Math.max(0, conn1 - conn0),
        note: `before ${conn0}, with ${HELD_API} API-path (timestamps=true) + 10 file streams open ${connDuring}, after ${conn1}`,
      });
    }

    const busy = await createContainer(env.socket, {
      image,
      name: `archdeck-bench-busy-${process.pid}`,
      cmd: [
        'sh',
        '-c',
        'while :; do seq 1 2000 | sed "s/$/ the quick brown fox jumps over the lazy dog/"; sleep 0.2; done',
      ],
    });
    ids.push(busy);
    await sleep(1000);
    const slow = slowClient(
      daemon,
      `/api/containers/${busy}/logs?follow=true&tail=0`,
      SLOW_BYTES_PER_S,
    );
    await slow.opened;
    await sleep(1000);
    const start = rssKiB(daemon.pid);
    const samples = [];
    for (let s = 5; s <= SLOW_SECONDS; s += 5) {
      await sleep(5000);
      samples.push({ s, rssKiB: rssKiB(daemon.pid) });
    }
    const end = samples.at(-1).rssKiB;
    const mSlow = await daemon.memory();
    slow.close();
    const ratiosOverTime = samples.map((x) => x.rssKiB / start);
    results.add({
      id: 'B6c',
      title: `RSS with a 10 KB/s log reader for ${SLOW_SECONDS} s / at its start`,
      goal: { op: '<=', value: 1.2 },
      median: end / start,
      min: Math.min(...ratiosOverTime),
      max: Math.max(...ratiosOverTime),
      note: `${fmt(start / 1024)} → ${fmt(end / 1024)} MiB (min–max over 5 s samples); client read ${fmt(slow.read / 1024)} KiB; heapUsed after ${fmt(mSlow.heapUsed / 2 ** 20)} MiB; 1 run`,
      samples,
    });
  } finally {
    await removeContainers(env.socket, { ids });
    await daemon.stop();
  }
}
