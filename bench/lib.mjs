/**
 * The bench harness: interleaved rounds and their statistics, the results table and JSON,
 * and the processes every measure needs (the daemon, the private podman CLI and API socket,
 * /proc readings). Plain ESM so it runs on the preinstalled Node without a build step.
 */
import { spawn, execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = dirname(BENCH_DIR);
export const RESULTS_DIR = join(ROOT, 'bench-results');

const execFileP = promisify(execFile);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const now = () => performance.now();

// --- settings ------------------------------------------------------------------

/** The hermetic test environment written by scripts/testenv.sh (run.sh sources it). */
export function testenv() {
  const e = process.env;
  const need = [
    'ARCHDECK_TESTENV_DIR',
    'ARCHDECK_TEST_PODMAN_SOCKET',
    'ARCHDECK_TEST_PODMAN_ROOT',
    'ARCHDECK_TEST_PODMAN_RUNROOT',
    'ARCHDECK_TEST_CONTAINERS_CONF',
    'ARCHDECK_TEST_REGISTRIES_CONF',
    'ARCHDECK_TEST_STORAGE_CONF',
    'ARCHDECK_TEST_REGISTRY',
    'ARCHDECK_TEST_IMAGE',
  ];
  const missing = need.filter((k) => !e[k]);
  if (missing.length) {
    throw new Error(
      `the test environment is not sourced (${missing.join(', ')}): run \`npm run bench\`, ` +
        'or `bash scripts/testenv.sh up && source "$(bash scripts/testenv.sh env)"` first',
    );
  }
  return {
    dir: e.ARCHDECK_TESTENV_DIR,
    socket: e.ARCHDECK_TEST_PODMAN_SOCKET,
    root: e.ARCHDECK_TEST_PODMAN_ROOT,
    runroot: e.ARCHDECK_TEST_PODMAN_RUNROOT,
    containersConf: e.ARCHDECK_TEST_CONTAINERS_CONF,
    registriesConf: e.ARCHDECK_TEST_REGISTRIES_CONF,
    storageConf: e.ARCHDECK_TEST_STORAGE_CONF,
    registry: e.ARCHDECK_TEST_REGISTRY,
    image: e.ARCHDECK_TEST_IMAGE,
    podmanPidFile: join(e.ARCHDECK_TESTENV_DIR, 'podman.pid'),
    /** Survives `testenv.sh down`: the registry's storage lives there too. */
    cacheDir: e.ARCHDECK_TEST_REGISTRY_ROOT ? dirname(e.ARCHDECK_TEST_REGISTRY_ROOT) : null,
  };
}

/**
 * CPU sets for the side under test and the load-generator side; null when not pinning. Every
 * process that serves an arm runs on `server`, whichever arm it serves: the daemon, the bare
 * Fastify, every podman service either arm talks to and the podman CLI of a baseline (which
 * is client and engine in one). The bench process, autocannon and Chromium run on `load`.
 */
export function cpus() {
  const n = Number(process.env.BENCH_NPROC || 0);
  if (process.env.BENCH_NO_PIN === '1' || n < 2 || !existsSync('/usr/bin/taskset')) return null;
  return { server: '0', load: '1' };
}

/** `cmd args` as run on the server CPU set (unchanged when not pinning). */
export function onServerCpus(cmd, args) {
  const cpu = cpus()?.server;
  return cpu ? ['taskset', ['-c', cpu, cmd, ...args]] : [cmd, args];
}

export const ROUNDS = Math.max(5, Number(process.env.BENCH_ROUNDS || 5));

// --- statistics ----------------------------------------------------------------

/** A round that gave no finite number is a failed measure, never a round left out. */
export function median(xs) {
  const bad = xs.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0) throw new Error(`round ${bad + 1} has no finite value (${xs[bad]})`);
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) throw new Error('no rounds to take a median of');
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank quantile, q in [0, 1]. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/**
 * Runs the arms interleaved, A B A B …: one unrecorded warm-up round first, then `rounds`
 * recorded ones. Each arm returns a number (seconds, ms, bytes…) or an object with `value`
 * and whatever else is worth keeping. Returns per-arm values and per-round ratios a/b.
 */
export async function interleave({ rounds = ROUNDS, warmup = 1, arms, between, log }) {
  const names = Object.keys(arms);
  const values = Object.fromEntries(names.map((n) => [n, []]));
  const details = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = -warmup; r < rounds; r++) {
    for (const name of names) {
      const out = await arms[name](r);
      const v = typeof out === 'number' ? out : out.value;
      if (r >= 0) {
        values[name].push(v);
        details[name].push(typeof out === 'number' ? { value: out } : out);
      }
      if (between) await between(name, r);
    }
    if (log && r >= 0)
      log(`round ${r + 1}/${rounds}: ` + names.map((n) => `${n}=${fmt(values[n][r])}`).join(' '));
  }
  return { values, details };
}

/**
 * Per-round ratios a[i]/b[i], their median and range. Both arms measure a time, a size or a
 * rate: a round without both, or a ratio that is not a positive finite number, is an error.
 */
export function ratios(a, b) {
  if (a.length !== b.length || !a.length)
    throw new Error(`the arms have ${a.length} and ${b.length} rounds`);
  const rs = a.map((x, i) => {
    const r = x / b[i];
    if (!Number.isFinite(r) || r < 0)
      throw new Error(`round ${i + 1}: ratio ${x} / ${b[i]} is not a positive finite number`);
    return r;
  });
  return { median: median(rs), min: Math.min(...rs), max: Math.max(...rs), rounds: rs };
}

export function fmt(x, digits = 3) {
  if (x === null || x === undefined) return '–';
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return x.toFixed(0);
  return Number(x.toPrecision(digits)).toString();
}

// --- results -------------------------------------------------------------------

/**
 * One row per figure. `goal` is {op: '<=' | '==', value}; status is derived from the median:
 * met / NOT met, `info` for figures that are reported but never gate, `not measured` with why.
 */
export class Results {
  constructor() {
    this.rows = [];
    this.meta = {};
  }

  add(row) {
    const r = { ...row };
    if (typeof r.median === 'number' && !Number.isFinite(r.median))
      throw new Error(`${r.id}: the figure is ${r.median}`);
    if (r.goal && Number.isFinite(r.median)) {
      const { op, value } = r.goal;
      const ok = op === '<=' ? r.median <= value : op === '==' ? r.median === value : false;
      r.status = ok ? 'met' : 'NOT met';
    } else if (!r.goal) {
      r.status = r.status ?? 'info';
    } else {
      r.status = 'FAILED';
      r.why = r.why ?? 'no value';
    }
    this.rows.push(r);
    const range = Number.isFinite(r.min) ? ` (${fmt(r.min)}–${fmt(r.max)})` : '';
    log(`${r.id} ${r.title}: ${fmt(r.median)}${range} ${r.status}${r.note ? ` — ${r.note}` : ''}`);
    return r;
  }

  /**
   * A figure that could not be taken: a crash, or a part of the daemon the figure needs is
   * missing. It fails the run (non-zero exit); it is never a quiet "not measured".
   */
  failed(id, title, why, goal) {
    this.rows.push({ id, title, goal, status: 'FAILED', why });
    log(`${id} ${title}: FAILED: ${why}`);
  }

  table() {
    const head = ['id', 'figure', 'median', 'min–max', 'goal', 'status', 'A vs B (medians)'];
    const body = this.rows.map((r) => [
      r.id,
      r.title,
      r.status === 'FAILED' ? '–' : fmt(r.median),
      Number.isFinite(r.min) ? `${fmt(r.min)}–${fmt(r.max)}` : '–',
      r.goal ? `${r.goal.op === '==' ? '=' : '≤'} ${r.goal.value}` : 'report',
      r.status === 'FAILED' ? `FAILED: ${r.why}` : r.status,
      r.note ?? '',
    ]);
    const widths = head.map((h, i) =>
      Math.min(i === 5 ? 60 : 80, Math.max(h.length, ...body.map((row) => String(row[i]).length))),
    );
    const line = (cells) =>
      '| ' +
      cells
        .map((c, i) => {
          const s = String(c);
          return (s.length > widths[i] ? s.slice(0, widths[i] - 1) + '…' : s).padEnd(widths[i]);
        })
        .join(' | ') +
      ' |';
    return [line(head), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|']
      .concat(body.map(line))
      .join('\n');
  }

  write() {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const doc = { ...this.meta, finishedAt: new Date().toISOString(), figures: this.rows };
    const file = join(RESULTS_DIR, `bench-${stamp}.json`);
    writeFileSync(file, JSON.stringify(doc, null, 2) + '\n');
    writeFileSync(join(RESULTS_DIR, 'latest.json'), JSON.stringify(doc, null, 2) + '\n');
    return file;
  }
}

const started = now();
export function log(msg) {
  const t = ((now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${t}s] ${msg}\n`);
}

// --- /proc ---------------------------------------------------------------------

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux x86_64 and arm64

/** utime + stime of a process, in seconds. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may contain spaces and parentheses: fields start after the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

/** VmRSS in KiB. */
export function rssKiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/**
 * How many of the process's sockets are connected to a unix socket bound at `path`: the
 * accepted (server) ends carry the path in `ss -x`, and their peer inodes are the client ends.
 */
export async function unixConnectionsTo(pid, path) {
  const { stdout } = await execFileP('ss', ['-xnH'], { maxBuffer: 64 << 20 });
  const peers = new Set();
  for (const line of stdout.split('\n')) {
    const cols = line.trim().split(/\s+/);
    // Netid State Recv-Q Send-Q Local Port Peer Port
    if (cols.length >= 8 && cols[4] === path) peers.add(cols[7]);
  }
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m && peers.has(m[1])) n++;
  }
  return n;
}

// --- child processes -----------------------------------------------------------

const children = new Set();

/** Spawns a long-running helper, optionally pinned to a CPU set; killed on exit. */
export function spawnPinned(cmd, args, { cpu, env, stdio = ['ignore', 'pipe', 'pipe'] } = {}) {
  const [c, a] = cpu ? ['taskset', ['-c', cpu, cmd, ...args]] : [cmd, args];
  const child = spawn(c, a, { env: { ...process.env, ...env }, stdio });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export async function stopChild(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await once(child, 'exit').catch(() => {});
  clearTimeout(t);
}

export function killChildren() {
  for (const c of children) c.kill('SIGKILL');
}

/** Waits for a line matching `re` on the child's stdout; returns the match. */
export function waitForLine(child, re, timeoutMs = 30_000, what = 'process') {
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start in ${timeoutMs} ms: ${err.slice(-500)}`)),
      timeoutMs,
    );
    const onData = (d) => {
      buf += d;
      const m = re.exec(buf);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        // Keep draining: a full pipe would block the child's writes.
        child.stdout.resume();
        resolve(m);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', (d) => (err = (err + d).slice(-4000)));
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code} before it was ready: ${err.slice(-800)}`));
    });
  });
}

// --- the daemon ----------------------------------------------------------------

/**
 * Starts `node server/bin/archdeck.js` on a free port with a throw-away data dir, pinned to
 * the server CPU. `probe` preloads bench/daemon-probe.cjs (a full GC and memoryUsage() on
 * SIGUSR2, written to a file: no endpoint is added to the daemon).
 */
export async function startDaemon({
  podmanSocket,
  registriesConf,
  presets,
  probe = false,
  name = 'daemon',
}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'archdeck-bench-data-'));
  const probeOut = join(dataDir, 'probe.json');
  const nodeArgs = probe
    ? ['--expose-gc', '--import', pathToFileURL(join(BENCH_DIR, 'daemon-probe.mjs')).href]
    : [];
  const args = [
    ...nodeArgs,
    join(ROOT, 'server/bin/archdeck.js'),
    '--port',
    '0',
    '--data-dir',
    dataDir,
    '--podman-socket',
    podmanSocket,
    '--registries-conf',
    registriesConf,
    '--log-level',
    'warn',
  ];
  if (presets) args.push('--presets', presets);
  const child = spawnPinned(process.execPath, args, {
    cpu: cpus()?.server,
    env: probe ? { ARCHDECK_BENCH_PROBE_OUT: probeOut } : {},
  });
  const m = await waitForLine(child, /http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+)/, 30_000, name);
  const port = Number(m[1]);
  const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
  const d = {
    name,
    child,
    pid: child.pid,
    port,
    token,
    dataDir,
    base: `http://127.0.0.1:${port}`,
    headers: { host: `127.0.0.1:${port}`, authorization: `Bearer ${token}` },
    request: (method, path, body) => requestJson({ port, method, path, body, headers: d.headers }),
    /** Full GC then process.memoryUsage() of the daemon, via the preloaded probe. */
    async memory() {
      if (!probe) throw new Error('daemon started without the probe');
      rmSync(probeOut, { force: true });
      process.kill(child.pid, 'SIGUSR2');
      for (let i = 0; i < 100; i++) {
        await sleep(50);
        if (existsSync(probeOut)) return JSON.parse(readFileSync(probeOut, 'utf8'));
      }
      throw new Error('the daemon probe did not answer');
    },
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return d;
}

// --- HTTP ----------------------------------------------------------------------

/** One request over TCP or a unix socket; the body is parsed as JSON when it is JSON. */
export function requestJson({
  port,
  socketPath,
  method = 'GET',
  path,
  body,
  headers = {},
  timeoutMs = 120_000,
}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        socketPath,
        method,
        path,
        agent: false,
        headers: {
          ...(socketPath ? { host: 'd' } : {}),
          ...headers,
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let data = text;
          if (/json/.test(res.headers['content-type'] ?? '') && text) {
            try {
              data = JSON.parse(text);
            } catch {
              /* keep the text */
            }
          }
          resolve({ status: res.statusCode, headers: res.headers, data });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/** Like requestJson but throws unless the status is 2xx. */
export async function ok(promise, what) {
  const r = await promise;
  if (r.status < 200 || r.status > 299) {
    const msg = typeof r.data === 'string' ? r.data : JSON.stringify(r.data);
    throw new Error(`${what}: HTTP ${r.status} ${msg.slice(0, 300)}`);
  }
  return r.data;
}

/**
 * A Server-Sent Events client over node:http. `onEvent(name, data)` gets each event's raw data
 * string; returning `false` closes the stream. Resolves with {status, events, bytes} when the
 * server ends the stream or it is closed; rejects on a non-200 answer.
 */
export function sse({ port, path, headers, onEvent, onOpen, timeoutMs = 300_000 }) {
  let req;
  let closed = false;
  const done = new Promise((resolve, reject) => {
    let events = 0;
    let bytes = 0;
    req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        let text = '';
        res.setEncoding('utf8').on('data', (d) => (text += d));
        res.on('end', () =>
          reject(
            Object.assign(new Error(`GET ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`), {
              status: res.statusCode,
            }),
          ),
        );
        return;
      }
      onOpen?.(res);
      let buf = '';
      res.setEncoding('utf8');
      const finish = () => resolve({ status: 200, events, bytes });
      res.on('data', (chunk) => {
        bytes += chunk.length;
        buf += chunk;
        let at;
        while (!closed && (at = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, at);
          buf = buf.slice(at + 2);
          let name = 'message';
          let data = '';
          let any = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || !line) continue;
            const c = line.indexOf(':');
            const field = c < 0 ? line : line.slice(0, c);
            const value = c < 0 ? '' : line.slice(c + 1).replace(/^ /, '');
            if (field === 'event') name = value;
            else if (field === 'data') {
              data = any ? `${data}\n${value}` : value;
              any = true;
            }
          }
          if (!any) continue;
          events++;
          if (onEvent(name, data) === false) {
            closed = true;
            req.destroy();
            finish();
          }
        }
      });
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', (e) => (closed ? finish() : reject(e)));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', (e) => (closed ? resolve({ status: 200, events, bytes }) : reject(e)));
  });
  return {
    done,
    close() {
      closed = true;
      req.destroy();
    },
  };
}

// --- podman --------------------------------------------------------------------

/** The podman CLI against the private storage and configuration of the test environment. */
export function podmanArgs(env, args) {
  const [cmd, pinned] = onServerCpus('podman', [
    '--root',
    env.root,
    '--runroot',
    env.runroot,
    ...args,
  ]);
  return {
    cmd,
    args: pinned,
    env: {
      CONTAINERS_CONF: env.containersConf,
      CONTAINERS_REGISTRIES_CONF: env.registriesConf,
      CONTAINERS_STORAGE_CONF: env.storageConf,
      TMPDIR: join(env.dir, 'tmp'),
    },
  };
}

export async function podman(env, args, { timeoutMs = 600_000 } = {}) {
  const p = podmanArgs(env, args);
  try {
    const { stdout } = await execFileP(p.cmd, p.args, {
      env: { ...process.env, ...p.env },
      maxBuffer: 64 << 20,
      timeout: timeoutMs,
    });
    return stdout;
  } catch (e) {
    throw new Error(
      `podman ${args.join(' ')}: ${(e.stderr || e.message).toString().trim().slice(-600)}`,
      {
        cause: e,
      },
    );
  }
}

/** The podman API over its unix socket. */
export const podmanApi = (socketPath, method, path, body, opts = {}) =>
  requestJson({ socketPath, method, path, body, ...opts });

/**
 * Removes the tags under `repo` (a bench-only repository), and each image left without tags.
 * Never by id with force: an image's id is shared by every reference to the same content, so
 * a copy of testenv's busybox has the id of the one other tests use.
 */
export async function removeImages(socketPath, repo) {
  const list = await ok(podmanApi(socketPath, 'GET', '/v1.41/images/json?all=true'), 'list images');
  for (const img of list) {
    const tags = img.RepoTags ?? [];
    const ours = tags.filter((t) => t.startsWith(`${repo}:`));
    if (!ours.length) continue;
    for (const t of ours) {
      const at = t.lastIndexOf(':');
      const q = `repo=${encodeURIComponent(t.slice(0, at))}&tag=${encodeURIComponent(t.slice(at + 1))}`;
      await ok(
        podmanApi(
          socketPath,
          'POST',
          `/v4.0.0/libpod/images/${img.Id.replace(/^sha256:/, '')}/untag?${q}`,
        ),
        `untag ${t}`,
      );
    }
    if (ours.length === tags.length) {
      await ok(
        podmanApi(socketPath, 'DELETE', `/v1.41/images/${img.Id.replace(/^sha256:/, '')}`),
        `remove ${ours[0]}`,
      );
    }
  }
}

/**
 * Removes bench containers: by exact id, every one whose name starts with `namePrefix`, or
 * every one made from an image under `imagePrefix` (a bench-only repository).
 */
export async function removeContainers(socketPath, { ids = [], namePrefix, imagePrefix } = {}) {
  let targets = ids;
  if (namePrefix || imagePrefix) {
    const list = await ok(
      podmanApi(socketPath, 'GET', '/v1.41/containers/json?all=true'),
      'list containers',
    );
    targets = targets.concat(
      list
        .filter(
          (c) =>
            (namePrefix &&
              (c.Names ?? []).some((n) => n.replace(/^\//, '').startsWith(namePrefix))) ||
            (imagePrefix &&
              // The daemon creates from the image id and records the reference in a label.
              [c.Image, c.Labels?.['io.archdeck.image']].some((i) => i?.startsWith(imagePrefix))),
        )
        .map((c) => c.Id),
    );
  }
  for (const id of targets) {
    await podmanApi(socketPath, 'DELETE', `/v1.41/containers/${id}?force=true&v=true&t=0`).catch(
      () => {},
    );
  }
}

/** Creates (and by default starts) a container through the podman API; returns its id. */
export async function createContainer(socketPath, { image, cmd, name, start = true }) {
  const q = name ? `?name=${encodeURIComponent(name)}` : '';
  const c = await ok(
    podmanApi(socketPath, 'POST', `/v1.41/containers/create${q}`, {
      Image: image,
      Cmd: cmd,
      Tty: false,
    }),
    `create container from ${image}`,
  );
  if (start)
    await ok(podmanApi(socketPath, 'POST', `/v1.41/containers/${c.Id}/start`), 'start container');
  return c.Id;
}

export async function waitContainer(socketPath, id) {
  return ok(
    podmanApi(socketPath, 'POST', `/v1.41/containers/${id}/wait`, undefined, {
      timeoutMs: 600_000,
    }),
    'wait container',
  );
}

// --- log lines -----------------------------------------------------------------

/**
 * Counts and checksums log lines per stream, so a read through the daemon can be compared
 * with a direct read whatever the batching.
 */
export class LineDigest {
  constructor() {
    this.count = { out: 0, err: 0 };
    this.hash = { out: createHash('sha1'), err: createHash('sha1') };
  }

  add(s, t) {
    this.count[s]++;
    this.hash[s].update(t).update('\n');
  }

  result() {
    return {
      lines: this.count.out + this.count.err,
      out: this.count.out,
      err: this.count.err,
      sha1: `${this.hash.out.copy().digest('hex').slice(0, 12)}/${this.hash.err.copy().digest('hex').slice(0, 12)}`,
    };
  }
}

/**
 * Docker's multiplexed log format (8-byte header: stream, 3 zero bytes, big-endian length),
 * parsed straight from bytes; a frame is a log entry, not a line, so lines are assembled per
 * stream. Calls onLine(s, text) per complete line; end() flushes unterminated lines.
 */
export class FrameReader {
  constructor(onLine) {
    this.onLine = onLine;
    this.buf = Buffer.alloc(0);
    this.pending = { out: [], err: [] };
  }

  push(chunk) {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    let off = 0;
    while (this.buf.length - off >= 8) {
      const kind = this.buf[off];
      const len = this.buf.readUInt32BE(off + 4);
      if (this.buf.length - off < 8 + len) break;
      const s = kind === 2 ? 'err' : 'out';
      this.payload(s, this.buf.subarray(off + 8, off + 8 + len));
      off += 8 + len;
    }
    this.buf = this.buf.subarray(off);
  }

  payload(s, p) {
    let start = 0;
    let nl;
    while ((nl = p.indexOf(0x0a, start)) >= 0) {
      const piece = p.subarray(start, nl);
      const parts = this.pending[s];
      const line = parts.length ? Buffer.concat([...parts, piece]) : piece;
      this.pending[s] = [];
      this.onLine(s, line.toString('utf8'));
      start = nl + 1;
    }
    if (start < p.length) this.pending[s].push(Buffer.from(p.subarray(start)));
  }

  end() {
    for (const s of ['out', 'err']) {
      if (this.pending[s].length) this.onLine(s, Buffer.concat(this.pending[s]).toString('utf8'));
      this.pending[s] = [];
    }
  }
}

/** GET on the podman socket, streaming the body through a FrameReader. */
export function readPodmanLogs(socketPath, path, onLine, { onFirstByte, until } = {}) {
  let req;
  const done = new Promise((resolve, reject) => {
    const reader = new FrameReader(onLine);
    req = http.get({ socketPath, path, headers: { host: 'd' }, agent: false }, (res) => {
      if (res.statusCode !== 200) {
        reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      let first = true;
      res.on('data', (c) => {
        if (first) {
          first = false;
          onFirstByte?.();
        }
        reader.push(c);
        if (until?.()) {
          req.destroy();
          resolve();
        }
      });
      res.on('end', () => {
        reader.end();
        resolve();
      });
      res.on('error', reject);
    });
    req.on('error', (e) => (until?.() ? resolve() : reject(e)));
  });
  return { done, close: () => req.destroy() };
}

// --- workspace -----------------------------------------------------------------

/** Resolves a package the way the named workspace package sees it. */
export function resolveFrom(workspacePkg, id) {
  return createRequire(join(ROOT, workspacePkg, 'package.json')).resolve(id);
}

export function sha(text) {
  return createHash('sha1').update(text).digest('hex').slice(0, 12);
}
