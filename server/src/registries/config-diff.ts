/**
 * The image configs of one reference's platforms, side by side: one row per field (per
 * variable and per label for Env and Labels), with whether the platforms differ in it. "Works
 * on amd64, not on arm64" often starts here: an arm64 image built from another Dockerfile, an
 * older build never refreshed, a PATH or entrypoint that differs.
 */
import type { ConfigRow } from '@archdeck/shared';
import type { RemoteImageConfig } from './platform-configs.js';

type Value = string | number | null;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const argv = (v: unknown): string | null =>
  Array.isArray(v) && v.every((a) => typeof a === 'string') ? JSON.stringify(v) : null;
/** The keys of a set-like object ({"80/tcp": {}}), sorted, on one line. */
const keys = (v: unknown): string | null =>
  isRecord(v) && Object.keys(v).length > 0 ? Object.keys(v).sort().join(', ') : null;

/** Env as name → value; a later duplicate wins, as at run time. */
function envOf(runConfig: Record<string, unknown>): Map<string, string> {
  const env = new Map<string, string>();
  for (const entry of Array.isArray(runConfig.Env) ? runConfig.Env : []) {
    if (typeof entry !== 'string') continue;
    const eq = entry.indexOf('=');
    env.set(eq === -1 ? entry : entry.slice(0, eq), eq === -1 ? '' : entry.slice(eq + 1));
  }
  return env;
}

function labelsOf(runConfig: Record<string, unknown>): Map<string, string> {
  const labels = isRecord(runConfig.Labels) ? runConfig.Labels : {};
  return new Map(
    Object.entries(labels).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : [])),
  );
}

/** The rows, each field in a fixed order; rows nobody sets are left out but for the core ones. */
export function compareConfigs(images: RemoteImageConfig[]): ConfigRow[] {
  const run = images.map((i) => (isRecord(i.config.config) ? i.config.config : {}));
  const rows: ConfigRow[] = [];
  const add = (field: string, key: string | null, values: Value[], always = false) => {
    if (!always && values.every((v) => v === null)) return;
    rows.push({ field, key, values, differs: values.some((v) => v !== values[0]) });
  };
  const perKey = (field: string, maps: Map<string, string>[]) => {
    const names = [...new Set(maps.flatMap((m) => [...m.keys()]))];
    for (const name of names)
      add(
        field,
        name,
        maps.map((m) => m.get(name) ?? null),
      );
  };

  add(
    'Entrypoint',
    null,
    run.map((c) => argv(c.Entrypoint)),
    true,
  );
  add(
    'Cmd',
    null,
    run.map((c) => argv(c.Cmd)),
    true,
  );
  add(
    'User',
    null,
    run.map((c) => text(c.User)),
    true,
  );
  add(
    'WorkingDir',
    null,
    run.map((c) => text(c.WorkingDir)),
    true,
  );
  perKey('Env', run.map(envOf));
  perKey('Labels', run.map(labelsOf));
  add(
    'ExposedPorts',
    null,
    run.map((c) => keys(c.ExposedPorts)),
  );
  add(
    'Volumes',
    null,
    run.map((c) => keys(c.Volumes)),
  );
  add(
    'StopSignal',
    null,
    run.map((c) => text(c.StopSignal)),
  );
  add(
    'os.version',
    null,
    images.map((i) => text(i.config['os.version'])),
  );
  add(
    'variant',
    null,
    images.map((i) => i.entry.variant ?? text(i.config.variant)),
  );
  add(
    'Created',
    null,
    images.map((i) => text(i.config.created)),
  );
  add(
    'Layers',
    null,
    images.map((i) => i.layerSizes.length),
    true,
  );
  add(
    'Size',
    null,
    images.map((i) => i.layerSizes.reduce((a, b) => a + b, 0)),
    true,
  );
  return rows;
}
