/**
 * B5: the log view under a burst, in Chromium. One click on `preset-burst-amd64` runs a
 * container that waits 2 s, writes 100,000 lines and one end marker; the UI opens its page and
 * follows the log.
 *   B5a  ingest time, from the first `lines` event to the end marker's row in the DOM, with the
 *        real SSE endpoint / with the same view fed by an in-page producer (a stand-in
 *        EventSource for the logs URL that dispatches the same lines, pre-built, in batches of
 *        the daemon's size, one per task);
 *   B5b  long tasks over 200 ms during the real burst (PerformanceObserver `longtask`);
 *   B5c  click-to-paint during the real burst: the longest Event Timing duration of clicks on
 *        the log view, sent every 100 ms while the burst runs.
 */
/* global window, document, requestAnimationFrame -- functions passed to the page run in the browser */
import { fmt, interleave, log, median, removeContainers, sleep, startDaemon } from './lib.mjs';
import {
  BURST_END,
  BURST_LINES,
  busyboxRef,
  ensureBusyboxCopies,
  ensureLocal,
  writePresets,
} from './images.mjs';
import { findPreset, launch, signIn } from './browser.mjs';
import { logsEndpoint } from './b1-logs.mjs';

/**
 * Runs in the page before its scripts (addInitScript). Wraps EventSource for the logs URL,
 * records when the first `lines` event is dispatched and when the end marker's row is in the
 * DOM, and observes long tasks and event timing.
 */
function pageProbe({ mode, lines, batch, end }) {
  const b = (window.__b5 = {
    t0: null,
    done: null,
    n: null,
    longtasks: [],
    events: [],
    esCount: 0,
  });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      b.longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      b.events.push({
        name: e.name,
        start: e.startTime,
        duration: e.duration,
        id: e.interactionId,
      });
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 });

  const isLogs = (url) => /\/api\/containers\/[^/]+\/logs/.test(String(url));
  const Native = window.EventSource;

  // Pre-built batches, so the in-page producer costs nothing while the view ingests.
  let batches = null;
  if (mode === 'fake') {
    batches = [];
    for (let i = 0; i < lines; i += batch) {
      const part = [];
      for (let j = i; j < Math.min(lines, i + batch); j++)
        part.push({
          s: 'out',
          t: `burst ${j} lorem ipsum dolor sit amet, consectetur adipiscing elit`,
        });
      if (i + batch >= lines) part.push({ s: 'out', t: end });
      batches.push(JSON.stringify({ lines: part }));
    }
  }

  class Fake extends EventTarget {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSED = 2;
    constructor(url) {
      super();
      this.url = String(url);
      this.withCredentials = false;
      this.readyState = 0;
      this.onopen = this.onmessage = this.onerror = null;
      const channel = new MessageChannel();
      let i = -1;
      const step = () => {
        if (this.readyState === 2) return;
        if (i < 0) {
          this.readyState = 1;
          const ev = new Event('open');
          this.dispatchEvent(ev);
          this.onopen?.(ev);
          // Like the real burst, which the container starts 2 s after it was created: the
          // page has settled by the time the first lines come.
          i++;
          setTimeout(step, 1000);
          return;
        } else if (i < batches.length) {
          b.t0 ??= performance.now();
          this.dispatchEvent(new MessageEvent('lines', { data: batches[i] }));
        } else {
          this.dispatchEvent(
            new MessageEvent('end', { data: JSON.stringify({ exitCode: 0, running: false }) }),
          );
          return;
        }
        i++;
        channel.port2.postMessage(0);
      };
      channel.port1.onmessage = step;
      setTimeout(step, 0);
    }
    close() {
      this.readyState = 2;
    }
  }

  window.EventSource = function EventSource(url, init) {
    if (isLogs(url) && b.esCount++ === 0 && mode === 'fake') return new Fake(url);
    const es = new Native(url, init);
    if (isLogs(url)) es.addEventListener('lines', () => (b.t0 ??= performance.now()));
    return es;
  };
  Object.assign(window.EventSource, { CONNECTING: 0, OPEN: 1, CLOSED: 2 });
  window.EventSource.prototype = Native.prototype;

  const watch = () => {
    if (b.done !== null) return;
    const rows = document.querySelectorAll('[data-testid="log-line"]');
    for (let k = rows.length - 1; k >= Math.max(0, rows.length - 3); k--) {
      if (rows[k].textContent.includes(end)) {
        b.done = performance.now();
        b.n = Number(rows[k].dataset.n);
        return;
      }
    }
    requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
}

async function burst(context, path, mode, batch) {
  const found = await findPreset(context, 'burst', 'amd64', {
    known: path,
    initScript: { fn: pageProbe, arg: { mode, lines: BURST_LINES, batch, end: BURST_END } },
  });
  if (!found) throw new Error('the preset-burst-amd64 button went away');
  const { page, button } = found;
  try {
    await button.click();
    // Wait for the burst, then click the log view every 100 ms until the end marker shows.
    await page.waitForFunction(() => window.__b5.t0 !== null, null, {
      timeout: 30_000,
      polling: 50,
    });
    const view = page.getByTestId('log-view');
    const box = await view.boundingBox();
    let clicks = 0;
    for (;;) {
      const state = await page.evaluate(() => window.__b5.done);
      if (state !== null) break;
      if (clicks > 1200) throw new Error('the end marker never showed (120 s)');
      if (box) {
        await page.mouse.click(box.x + box.width / 2, box.y + Math.min(box.height - 10, 60));
        clicks++;
      }
      await sleep(100);
    }
    await sleep(300); // late performance entries
    const r = await page.evaluate(() => window.__b5);
    const inBurst = (e) => e.start >= r.t0 && e.start <= r.done;
    const longtasks = r.longtasks.filter(inBurst);
    const events = r.events.filter(
      (e) => inBurst(e) && /^(pointer|mouse)(down|up)$|^click$/.test(e.name),
    );
    return {
      value: r.done - r.t0,
      n: r.n,
      longtasksOver200: longtasks.filter((t) => t.duration > 200).length,
      longestTask: Math.max(0, ...longtasks.map((t) => t.duration)),
      clicks,
      clickToPaint: Math.max(0, ...events.map((e) => e.duration)),
      slowEvents: events.length,
    };
  } finally {
    await page.close();
  }
}

export async function run({ results, env, shared }) {
  const titles = {
    B5a: `ingest ${BURST_LINES / 1000}k lines into the log view: real SSE / in-page producer`,
    B5b: 'long tasks > 200 ms during the real burst',
    B5c: 'click-to-paint during the real burst (ms, max)',
  };
  const goals = {
    B5a: { op: '<=', value: 1.5 },
    B5b: { op: '==', value: 0 },
    B5c: { op: '<=', value: 100 },
  };
  const none = (why) =>
    Object.keys(titles).forEach((id) => results.failed(id, titles[id], why, goals[id]));

  await ensureBusyboxCopies(env);
  const ref = busyboxRef(env);
  const daemon = await startDaemon({
    podmanSocket: env.socket,
    registriesConf: env.registriesConf,
    presets: writePresets(env),
  });
  let browser = null;
  try {
    if (!(await logsEndpoint(daemon)))
      return none('the daemon has no GET /api/containers/:id/logs yet');
    await ensureLocal(env, daemon, ref, ['linux/amd64']);
    browser = await launch();
    const context = await signIn(browser, daemon);
    const probe = await findPreset(context, 'burst', 'amd64');
    if (!probe) return none('the UI shows no preset-burst-amd64 button (tried /containers and /)');
    const path = probe.path;
    await probe.page.close();
    // The in-page producer sends batches of the size the daemon sends (measured by B1).
    const batch = shared.logBatchLines || 1000;

    const repo = ref.slice(0, ref.lastIndexOf(':'));
    const out = await interleave({
      log: (m) => log(`B5 ${m}`),
      arms: {
        real: () => burst(context, path, 'real', batch),
        fake: () => burst(context, path, 'fake', batch),
      },
      between: () => removeContainers(env.socket, { imagePrefix: repo }),
    });
    const real = out.details.real;
    const fake = out.details.fake;
    const rs = out.values.real.map((v, i) => v / out.values.fake[i]);
    const received = real.map((d) => d.n);
    results.add({
      id: 'B5a',
      title: titles.B5a,
      goal: goals.B5a,
      median: median(rs),
      min: Math.min(...rs),
      max: Math.max(...rs),
      rounds: rs,
      note:
        `${fmt(median(out.values.real))} vs ${fmt(median(out.values.fake))} ms; end marker was line ` +
        `${Math.min(...received)}–${Math.max(...received)} of ${BURST_LINES + 1} (real), batches of ${batch}`,
      details: out.details,
    });
    const lt = real.map((d) => d.longtasksOver200);
    results.add({
      id: 'B5b',
      title: titles.B5b,
      goal: goals.B5b,
      median: median(lt),
      min: Math.min(...lt),
      max: Math.max(...lt),
      note: `longest task ${fmt(median(real.map((d) => d.longestTask)))} ms real vs ${fmt(median(fake.map((d) => d.longestTask)))} in-page (medians); in-page producer: ${fmt(median(fake.map((d) => d.longtasksOver200)))} over 200 ms`,
    });
    const cp = real.map((d) => d.clickToPaint);
    results.add({
      id: 'B5c',
      title: titles.B5c,
      goal: goals.B5c,
      median: median(cp),
      min: Math.min(...cp),
      max: Math.max(...cp),
      note: `${fmt(median(real.map((d) => d.clicks)))} clicks per burst; 0 = every click painted within 16 ms (Event Timing threshold); in-page producer ${fmt(median(fake.map((d) => d.clickToPaint)))} ms`,
    });
  } finally {
    await browser?.close();
    await removeContainers(env.socket, { imagePrefix: ref.slice(0, ref.lastIndexOf(':')) });
    await daemon.stop();
  }
}
