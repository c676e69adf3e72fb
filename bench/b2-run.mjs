/**
 * B2: one-click run, time to the first log line, for amd64, arm64 and ppc64le (the image is
 * local already):
 *   B2-<arch>     POST /api/containers {image, platform, cmd}, then the logs SSE's first line
 *                 / `podman run` of the same image (CLI, test environment storage), first line
 *                 on its stdout;
 *   B2-ui-<arch>  in Chromium, click on `preset-busybox-<arch>` → the first `log-line` in the
 *                 DOM / the same `podman run`.
 *   B2-api-<arch> the daemon's run / the same through podman's own API on a warm service
 *                 (create, attach, start, first byte of output): what the daemon adds to the
 *                 calls it makes. Reported.
 * The arms run interleaved within each round. The daemon talks to a podman service of the
 * bench's own on the test environment's storage (images.mjs startEnginePodman), pinned like
 * the daemon and the `podman run` CLI to the server CPU set.
 */
/* global window, document, MutationObserver -- functions passed to the page run in the browser */
import { spawn } from 'node:child_process';
import http from 'node:http';
import {
  fmt,
  interleave,
  log,
  median,
  now,
  ok,
  podmanApi,
  podmanArgs,
  ratios,
  removeContainers,
  startDaemon,
} from './lib.mjs';
import {
  busyboxRef,
  ensureBusyboxCopies,
  ensureLocal,
  startEnginePodman,
  writePresets,
} from './images.mjs';
import { daemonLogs, logsEndpoint } from './b1-logs.mjs';
import { findPreset, launch, signIn } from './browser.mjs';

export const ARCHES = ['amd64', 'arm64', 'ppc64le'];
const FIRST = 'bench-first-line';
const CMD = ['sh', '-c', `echo ${FIRST}`];

/** `podman run --rm`: ms to the first line on stdout; waits for the exit before resolving. */
export function podmanRun(env, image, cmd, { untilExit = false } = {}) {
  const p = podmanArgs(env, ['run', '--rm', image, ...cmd]);
  const t0 = now();
  return new Promise((resolve, reject) => {
    const child = spawn(p.cmd, p.args, {
      env: { ...process.env, ...p.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let first = null;
    let err = '';
    child.stdout.on('data', () => (first ??= now() - t0));
    child.stderr.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-2000)));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`podman run ${image}: exit ${code}: ${err}`));
      const total = now() - t0;
      resolve(untilExit ? total : (first ?? total));
    });
  });
}

/**
 * podman's own API, warm: create, attach (upgraded to a raw stream before the start, so no
 * output is missed), start, until the first byte of output; ms. Removes the container.
 */
export async function podmanApiRun(socketPath, image, cmd) {
  const t0 = now();
  const c = await ok(
    podmanApi(socketPath, 'POST', '/v1.41/containers/create', {
      Image: image,
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    }),
    `create from ${image}`,
  );
  let req;
  try {
    let firstByte;
    const first = new Promise((resolve, reject) => (firstByte = { resolve, reject }));
    await new Promise((attached, reject) => {
      req = http.request({
        socketPath,
        method: 'POST',
        path: `/v1.41/containers/${c.Id}/attach?stream=1&stdout=1&stderr=1`,
        headers: { host: 'd', connection: 'Upgrade', upgrade: 'tcp' },
      });
      req.on('upgrade', (res, socket, head) => {
        attached();
        if (head?.length) firstByte.resolve(now());
        else socket.once('data', () => firstByte.resolve(now()));
        socket.on('error', () => {});
        socket.once('close', () => firstByte.reject(new Error('attach closed without output')));
      });
      req.on('response', (res) => {
        res.resume();
        reject(new Error(`attach: HTTP ${res.statusCode}, no upgrade`));
      });
      req.on('error', reject);
      req.end();
    });
    await ok(podmanApi(socketPath, 'POST', `/v1.41/containers/${c.Id}/start`), 'start');
    return (await first) - t0;
  } finally {
    req?.destroy();
    await podmanApi(socketPath, 'DELETE', `/v1.41/containers/${c.Id}?force=true&t=0`).catch(
      () => {},
    );
  }
}

/** POST /api/containers, then the logs SSE until its first line; ms. Removes the container. */
async function daemonRun(daemon, image, platform) {
  const t0 = now();
  const c = await ok(
    daemon.request('POST', '/api/containers', { image, platform, cmd: CMD }),
    'POST /api/containers',
  );
  let t1 = null;
  const s = daemonLogs(daemon, c.id, {
    follow: true,
    onFirstLine: () => (t1 = now()),
    until: () => true,
  });
  await s.done;
  await daemon.request('DELETE', `/api/containers/${c.id}`);
  if (t1 === null) throw new Error('the logs stream ended without a line');
  return t1 - t0;
}

/** Click → first `log-line` in the DOM, timed in the page. */
async function uiRun(context, arch, known) {
  const found = await findPreset(context, 'busybox', arch, { known });
  if (!found) return null;
  const { page, button } = found;
  await page.evaluate(() => {
    const b = (window.__b2 = { click: null, line: null });
    document.addEventListener('click', () => (b.click ??= performance.now()), { capture: true });
    new MutationObserver((_, obs) => {
      if (document.querySelector('[data-testid="log-line"]')) {
        b.line = performance.now();
        obs.disconnect();
      }
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });
  await button.click();
  await page.getByTestId('log-line').first().waitFor({ timeout: 30_000 });
  const { click, line } = await page.evaluate(() => window.__b2);
  await page.close();
  return { value: line - click, path: found.path };
}

export async function run({ results, env }) {
  await ensureBusyboxCopies(env);
  const ref = busyboxRef(env);
  const engine = await startEnginePodman(env);
  let daemon = null;
  let browser = null;
  try {
    daemon = await startDaemon({
      podmanSocket: engine.socket,
      registriesConf: env.registriesConf,
      presets: writePresets(env),
    });
    if (!(await logsEndpoint(daemon))) {
      for (const arch of ARCHES) {
        results.failed(
          `B2-${arch}`,
          `run ${arch} → first line: daemon / podman run`,
          'the daemon has no GET /api/containers/:id/logs yet',
          { op: '<=', value: 0.8 },
        );
      }
      return;
    }
    await ensureLocal(
      env,
      daemon,
      ref,
      ARCHES.map((a) => `linux/${a}`),
    );

    browser = await launch();
    const context = await signIn(browser, daemon);
    let uiWhy = null;
    let uiPath = null;
    // A preset runs as any image does (one POST /api/containers): its button is all it needs.
    const probe = await findPreset(context, 'busybox', 'amd64');
    if (!probe) uiWhy = 'the UI shows no preset-busybox-amd64 button (tried /containers and /)';
    else {
      uiPath = probe.path;
      await probe.page.close();
    }

    for (const arch of ARCHES) {
      const arms = {
        daemon: () => daemonRun(daemon, ref, `linux/${arch}`),
        podman: () => podmanRun(env, `${ref}-${arch}`, CMD),
        api: () => podmanApiRun(engine.socket, `${ref}-${arch}`, CMD),
      };
      if (!uiWhy) {
        arms.ui = async () => {
          const r = await uiRun(context, arch, uiPath);
          if (!r) throw new Error(`the preset button preset-busybox-${arch} went away`);
          return r;
        };
      }
      const out = await interleave({
        log: (m) => log(`B2-${arch} ${m}`),
        arms,
        between: async (name) => {
          if (name === 'ui')
            await removeContainers(env.socket, { imagePrefix: ref.slice(0, ref.lastIndexOf(':')) });
        },
      });
      const ratio = (arm) => ratios(out.values[arm], out.values.podman);
      results.add({
        id: `B2-${arch}`,
        title: `run ${arch} → first line: daemon / podman run`,
        goal: { op: '<=', value: 0.8 },
        ...ratio('daemon'),
        note: `${fmt(median(out.values.daemon))} vs ${fmt(median(out.values.podman))} ms`,
        values: out.values,
      });
      results.add({
        id: `B2-api-${arch}`,
        title: `run ${arch} → first line: daemon / podman API (create, attach, start), warm`,
        ...ratios(out.values.daemon, out.values.api),
        note: `${fmt(median(out.values.daemon))} vs ${fmt(median(out.values.api))} ms`,
        values: { a: out.values.daemon, b: out.values.api },
      });
      if (uiWhy) {
        results.failed(
          `B2-ui-${arch}`,
          `click ${arch} preset → first line in the DOM / podman run`,
          uiWhy,
          { op: '<=', value: 1.0 },
        );
      } else {
        results.add({
          id: `B2-ui-${arch}`,
          title: `click ${arch} preset → first line in the DOM / podman run`,
          goal: { op: '<=', value: 1.0 },
          ...ratio('ui'),
          note: `${fmt(median(out.values.ui))} vs ${fmt(median(out.values.podman))} ms (page ${uiPath})`,
          values: out.values,
        });
      }
    }
  } finally {
    await browser?.close();
    await removeContainers(env.socket, { imagePrefix: ref.slice(0, ref.lastIndexOf(':')) });
    await daemon?.stop();
    await engine.stop();
  }
}
