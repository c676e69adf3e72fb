/**
 * B8: gzip size of the UI's initial JavaScript (web/dist/index.html's module script and every
 * chunk it imports statically) / the same for a floor app (React, the virtualizer and an empty
 * log pane) built with web's Vite, plugins and settings. Both sizes are deterministic for a
 * given build, so one build each is the whole measure.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { BENCH_DIR, RESULTS_DIR, ROOT, log, resolveFrom } from './lib.mjs';

const gz = (buf) => gzipSync(buf, { level: 9 }).length;

/** The module script of an index.html and, transitively, its static imports. */
export function initialJs(distDir) {
  const html = readFileSync(join(distDir, 'index.html'), 'utf8');
  const entries = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map(
    (m) => m[1],
  );
  if (!entries.length) throw new Error(`${distDir}/index.html has no module script`);
  const seen = new Map();
  const visit = (url, from) => {
    const file = url.startsWith('/') ? join(distDir, url) : resolve(dirname(from), url);
    if (seen.has(file)) return;
    const code = readFileSync(file);
    seen.set(file, code);
    const text = code.toString('utf8');
    // Static imports only: `import…from"./x.js"` and bare `import"./x.js"`; import("…") is lazy.
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g)) {
      if (m[1].startsWith('.') || m[1].startsWith('/')) visit(m[1], file);
    }
  };
  for (const e of entries) visit(e, join(distDir, 'index.html'));
  const files = [...seen].map(([file, code]) => ({
    file: file.slice(distDir.length + 1),
    bytes: code.length,
    gzip: gz(code),
  }));
  return {
    files,
    gzip: files.reduce((s, f) => s + f.gzip, 0),
    bytes: files.reduce((s, f) => s + f.bytes, 0),
  };
}

/** The virtualizer web/ depends on, if any. */
function webVirtualizer() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'web/package.json'), 'utf8'));
  const deps = { ...pkg.dependencies };
  return deps['@tanstack/react-virtual'] ? '@tanstack/react-virtual' : null;
}

async function buildFloor() {
  const fromWeb = (id) => pathToFileURL(resolveFrom('web', id)).href;
  const vite = await import(fromWeb('vite'));
  const { default: react } = await import(fromWeb('@vitejs/plugin-react'));
  const pkgDir = (id) => dirname(resolveFrom('web', `${id}/package.json`));
  const virtualizer = webVirtualizer();
  const outDir = join(RESULTS_DIR, 'floor-dist');
  rmSync(outDir, { recursive: true, force: true });
  await vite.build({
    configFile: false,
    logLevel: 'warn',
    root: join(BENCH_DIR, 'floor-app'),
    // web/vite.config.ts's plugins that touch JS, and its build settings.
    plugins: [react()],
    resolve: {
      alias: [
        { find: 'react-dom', replacement: pkgDir('react-dom') },
        { find: 'react', replacement: pkgDir('react') },
        {
          find: 'bench-virtualizer',
          replacement: virtualizer
            ? resolveFrom('web', virtualizer)
            : join(BENCH_DIR, 'floor-app/no-virtualizer.js'),
        },
      ],
    },
    build: {
      outDir,
      emptyOutDir: true,
      sourcemap: true,
      modulePreload: { polyfill: false },
    },
  });
  return { outDir, virtualizer };
}

export async function run({ results }) {
  const title = 'UI initial JS gzip / floor app';
  const webDist = join(ROOT, 'web/dist');
  if (!existsSync(join(webDist, 'index.html'))) {
    results.failed('B8', title, 'web/dist/index.html is missing (the build failed?)', {
      op: '<=',
      value: 2.5,
    });
    return;
  }
  const ui = initialJs(webDist);
  log(`B8: UI initial JS ${ui.files.map((f) => `${f.file} ${f.gzip} B`).join(', ')}`);
  const { outDir, virtualizer } = await buildFloor();
  const floor = initialJs(outDir);
  log(`B8: floor initial JS ${floor.files.map((f) => `${f.file} ${f.gzip} B`).join(', ')}`);
  const r = ui.gzip / floor.gzip;
  results.add({
    id: 'B8',
    title,
    goal: { op: '<=', value: 2.5 },
    median: r,
    min: r,
    max: r,
    note:
      `${(ui.gzip / 1024).toFixed(1)} KiB vs ${(floor.gzip / 1024).toFixed(1)} KiB gzip; deterministic, 1 build each` +
      (virtualizer ? '' : '; web/ has no virtualizer yet, so the floor has none'),
    a: ui,
    b: floor,
  });
}
