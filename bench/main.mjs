/**
 * Runs the benchmark suite (or the figures named on the command line: `B4 B8 EMU`), prints
 * the table and writes bench-results/bench-<time>.json and bench-results/latest.json.
 * bench/run.sh prepares the environment and calls this; see README.md "Benchmarks".
 */
import { availableParallelism, cpus as osCpus, loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { ROOT, ROUNDS, Results, cpus, killChildren, log, testenv } from './lib.mjs';
import { cleanupBenchImages } from './images.mjs';

const SUITES = [
  ['B8', () => import('./b8-bundle.mjs')],
  ['B4', () => import('./b4-http.mjs')],
  ['B3', () => import('./b3-pull.mjs')],
  ['B1', () => import('./b1-logs.mjs')],
  ['B2', () => import('./b2-run.mjs')],
  ['B6', () => import('./b6-memory.mjs')],
  ['B5', () => import('./b5-browser.mjs')],
  ['EMU', () => import('./emulation.mjs')],
  ['EMU-CPU', () => import('./cpu-models.mjs')],
  ['B9', () => import('./b9-cli.mjs')],
  ['B10', () => import('./b10-build.mjs')],
];

const wanted = process.argv.slice(2).map((a) => a.toUpperCase());
const unknown = wanted.filter((w) => !SUITES.some(([id]) => id === w));
if (unknown.length) {
  process.stderr.write(
    `unknown benchmark ${unknown.join(', ')}; known: ${SUITES.map(([id]) => id).join(' ')}\n`,
  );
  process.exit(2);
}

const results = new Results();
const git = (...a) => {
  try {
    return execFileSync('git', a, { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
};
results.meta = {
  startedAt: new Date().toISOString(),
  commit: git('rev-parse', 'HEAD'),
  dirty: (git('status', '--porcelain') ?? '').length > 0,
  node: process.version,
  cpu: osCpus()[0]?.model,
  cores: Number(process.env.BENCH_NPROC || availableParallelism()),
  pinning: cpus() ?? 'none',
  rounds: ROUNDS,
  loadavgAtStart: loadavg(),
};

const ctx = { results, env: testenv(), shared: {} };
const started = Date.now();
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    log(`${sig}: stopping the processes this run started, removing its containers and images`);
    killChildren();
    const bail = setTimeout(() => process.exit(130), 20_000);
    cleanupBenchImages(ctx)
      .catch(() => {})
      .finally(() => {
        clearTimeout(bail);
        process.exit(130);
      });
  });
}

for (const [id, load] of SUITES) {
  if (wanted.length && !wanted.includes(id)) continue;
  const t = Date.now();
  log(`=== ${id} ===`);
  try {
    const mod = await load();
    await mod.run(ctx);
  } catch (err) {
    log(`${id} failed: ${err.stack ?? err}`);
    results.failed(id, 'whole benchmark', `error: ${String(err.message ?? err).split('\n')[0]}`);
  }
  log(`=== ${id} took ${((Date.now() - t) / 1000).toFixed(1)} s ===`);
}

try {
  await cleanupBenchImages(ctx);
} catch (err) {
  log(`cleanup failed: ${err.message}`);
  results.failed('cleanup', 'removing the bench images and containers', err.message);
}
killChildren();

results.meta.durationSeconds = Math.round((Date.now() - started) / 1000);
results.meta.loadavgAtEnd = loadavg();
const file = results.write();
process.stdout.write(
  `\narchdeck benchmarks: every figure is archdeck / a baseline measured in the same run\n` +
    `(${ROUNDS} interleaved rounds after a warm-up unless noted; median of per-round ratios, min–max)\n\n` +
    results.table() +
    `\n\n${results.rows.filter((r) => r.status === 'met').length} met, ` +
    `${results.rows.filter((r) => r.status === 'NOT met').length} not met, ` +
    `${results.rows.filter((r) => r.status === 'FAILED').length} FAILED, ` +
    `${results.rows.filter((r) => r.status === 'info').length} reported; ` +
    `${results.meta.durationSeconds} s; ${file.slice(ROOT.length + 1)}\n`,
);
// A figure that could not be taken fails the run; a goal not met is a result, not a failure.
const failed = results.rows.filter((r) => r.status === 'FAILED');
if (failed.length) process.stderr.write(`FAILED: ${failed.map((r) => r.id).join(', ')}\n`);
process.exit(failed.length ? 1 : 0);
