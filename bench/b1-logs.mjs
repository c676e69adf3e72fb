/**
 * B1: reading logs.
 *   B1a  the whole log of a stopped container with 200,000 lines (10% on stderr) through the
 *        daemon's SSE (`follow=false&tail=1000000`) / straight from podman's API socket
 *        (8-byte framing parsed here); both parsed to lines and checksummed per stream.
 *   B1b  the live rate: a container writes 100,000 lines as fast as it can and then sleeps;
 *        time from its start to the last line arriving through the daemon's follow / through
 *        podman's follow (= the direct rate / the daemon's rate).
 *   B1-same  every daemon read gave the same line count and checksums as the direct read.
 */
import {
  LineDigest,
  createContainer,
  fmt,
  interleave,
  log,
  median,
  now,
  ok,
  podmanApi,
  readPodmanLogs,
  removeContainers,
  sse,
  startDaemon,
  waitContainer,
} from './lib.mjs';
import { busyboxRef, ensureBusyboxCopies, ensureLocal } from './images.mjs';

export const LINES = 200_000;
/** The live burst is shorter: it is followed, so the producer's pace sets most of its time. */
const LIVE_LINES = 100_000;
const PRODUCER = (n) =>
  `BEGIN { for (i = 0; i < ${n}; i++) { if (i % 10 == 0) print "err " i " the quick brown fox jumps over the lazy dog" > "/dev/stderr"; else print "out " i " lorem ipsum dolor sit amet, consectetur adipiscing elit" } }`;

/**
 * Whether the daemon serves a route: asking with an unknown container id gives that route's
 * own 404 ("No such container") when it exists, and Fastify's "No route GET …" when not.
 */
export async function hasRoute(daemon, method, path) {
  const r = await daemon.request(method, path);
  return !(r.status === 404 && /^No route /.test(r.data?.message ?? ''));
}

export const logsEndpoint = (daemon) =>
  hasRoute(daemon, 'GET', '/api/containers/archdeck-bench-nonexistent/logs?follow=false');

/** Reads a container's log through the daemon's SSE; resolves with the digest and timings. */
export function daemonLogs(daemon, id, { follow, tail = 1_000_000, until, onFirstLine } = {}) {
  const digest = new LineDigest();
  let events = 0;
  let skipped = 0;
  let end = null;
  let failed = null;
  let first = true;
  const s = sse({
    port: daemon.port,
    path: `/api/containers/${id}/logs?follow=${follow ? 'true' : 'false'}&tail=${tail}`,
    headers: daemon.headers,
    onEvent: (name, data) => {
      if (name === 'lines') {
        const { lines } = JSON.parse(data);
        events++;
        if (first && lines.length) {
          first = false;
          onFirstLine?.(lines[0]);
        }
        for (const l of lines) digest.add(l.s, l.t);
        if (until?.(digest)) return false;
      } else if (name === 'skipped') {
        skipped += JSON.parse(data).count ?? 0;
      } else if (name === 'end') {
        end = JSON.parse(data);
        return false;
      } else if (name === 'failed') {
        failed = JSON.parse(data);
        return false;
      }
      return true;
    },
  });
  return {
    close: s.close,
    done: s.done.then(() => {
      if (failed) throw new Error(`logs stream failed: ${failed.code}: ${failed.message}`);
      return { ...digest.result(), events, skipped, end };
    }),
  };
}

export function directLogs(socket, id, { follow, until } = {}) {
  const digest = new LineDigest();
  const s = readPodmanLogs(
    socket,
    `/v1.41/containers/${id}/logs?stdout=1&stderr=1${follow ? '&follow=1' : ''}`,
    (st, t) => digest.add(st, t),
    { until: until && (() => until(digest)) },
  );
  return { close: s.close, done: s.done.then(() => digest.result()) };
}

export async function run({ results, env, shared }) {
  await ensureBusyboxCopies(env);
  const daemon = await startDaemon({
    podmanSocket: env.socket,
    registriesConf: env.registriesConf,
  });
  const ids = [];
  try {
    if (!(await logsEndpoint(daemon))) {
      for (const [id, t] of [
        ['B1a', 'log of a stopped 200k-line container: daemon SSE / podman socket'],
        ['B1b', 'live 100k-line burst: daemon follow / podman follow'],
      ])
        results.failed(id, t, 'the daemon has no GET /api/containers/:id/logs yet', {
          op: '<=',
          value: 1.0,
        });
      return;
    }
    const ref = busyboxRef(env);
    await ensureLocal(env, daemon, ref, ['linux/amd64']);
    const image = `${ref}-amd64`;

    // B1a ------------------------------------------------------------------------
    const t = now();
    const id = await createContainer(env.socket, {
      image,
      name: `archdeck-bench-logs-${process.pid}`,
      cmd: ['awk', PRODUCER(LINES)],
    });
    ids.push(id);
    await waitContainer(env.socket, id);
    log(`B1: ${LINES} lines written in ${((now() - t) / 1000).toFixed(1)} s`);

    const checks = [];
    const out = await interleave({
      log: (m) => log(`B1a ${m}`),
      arms: {
        a: async () => {
          const t0 = now();
          const r = await daemonLogs(daemon, id, { follow: false }).done;
          const ms = now() - t0;
          return { value: ms, ...r };
        },
        b: async () => {
          const t0 = now();
          const r = await directLogs(env.socket, id).done;
          return { value: now() - t0, ...r };
        },
      },
    });
    out.details.a.forEach((a, i) => {
      const b = out.details.b[i];
      checks.push({ same: a.lines === b.lines && a.sha1 === b.sha1, daemon: a, direct: b });
    });
    const rs = out.values.a.map((a, i) => a / out.values.b[i]);
    const batch = median(out.details.a.map((d) => d.lines / Math.max(1, d.events)));
    shared.logBatchLines = Math.round(batch);
    results.add({
      id: 'B1a',
      title: 'log of a stopped 200k-line container: daemon SSE / podman socket',
      goal: { op: '<=', value: 1.0 },
      median: median(rs),
      min: Math.min(...rs),
      max: Math.max(...rs),
      rounds: rs,
      note: `${fmt(median(out.values.a))} vs ${fmt(median(out.values.b))} ms; ${fmt(batch)} lines per SSE event`,
      values: out.values,
    });
    const same = checks.filter((c) => c.same).length;
    const d0 = checks[0];
    results.add({
      id: 'B1-same',
      title: 'daemon read = direct read (lines and per-stream sha1), share of rounds',
      goal: { op: '==', value: 1 },
      median: same / checks.length,
      note: `daemon ${d0.daemon.lines} lines ${d0.daemon.sha1}; direct ${d0.direct.lines} lines ${d0.direct.sha1}`,
      checks,
    });

    // B1b ------------------------------------------------------------------------
    const burst = async (arm) => {
      const cid = await createContainer(env.socket, {
        image,
        name: `archdeck-bench-live-${process.pid}-${ids.length}`,
        cmd: ['sh', '-c', `awk '${PRODUCER(LIVE_LINES)}'; sleep 120`],
        start: false,
      });
      ids.push(cid);
      const t0 = now();
      await ok(podmanApi(env.socket, 'POST', `/v1.41/containers/${cid}/start`), 'start container');
      let last = 0;
      const until = (dg) => {
        last = now();
        return dg.count.out + dg.count.err >= LIVE_LINES;
      };
      const reader =
        arm === 'daemon'
          ? daemonLogs(daemon, cid, { follow: true, until })
          : directLogs(env.socket, cid, { follow: true, until });
      const timer = setTimeout(reader.close, 120_000);
      const r = await reader.done;
      clearTimeout(timer);
      await removeContainers(env.socket, { ids: [cid] });
      ids.splice(ids.indexOf(cid), 1);
      if (r.lines < LIVE_LINES)
        throw new Error(`${arm} follow got ${r.lines} of ${LIVE_LINES} lines`);
      return { value: last - t0, lines: r.lines, sha1: r.sha1 };
    };
    const live = await interleave({
      log: (m) => log(`B1b ${m}`),
      arms: { a: () => burst('daemon'), b: () => burst('direct') },
    });
    const lr = live.values.a.map((a, i) => a / live.values.b[i]);
    results.add({
      id: 'B1b',
      title: `live ${LIVE_LINES / 1000}k-line burst: daemon follow / podman follow (time to last line)`,
      goal: { op: '<=', value: 1.0 },
      median: median(lr),
      min: Math.min(...lr),
      max: Math.max(...lr),
      rounds: lr,
      note: `${fmt(median(live.values.a))} vs ${fmt(median(live.values.b))} ms = ${fmt(LIVE_LINES / median(live.values.a))} vs ${fmt(LIVE_LINES / median(live.values.b))} lines/ms`,
      values: live.values,
    });
  } finally {
    await removeContainers(env.socket, { ids });
    await daemon.stop();
  }
}
