import { useId, useState } from 'react';
import { archLabel, type CpuModel } from '@archdeck/shared';
import { Gauge, TriangleAlert } from 'lucide-react';
import { ErrorNotice } from '@/components/error-notice';
import { FieldLabel } from '@/components/field-label';
import { monoInputClass } from '@/components/form';
import { Spinner } from '@/components/spinner';
import { useCpuModels } from '@/lib/cpu-models';

/**
 * Which CPU model qemu emulates for a run: the suggested one until the user picks another
 * (per platform, so switching back keeps the pick); none for a platform this host runs itself.
 * `value` is what the run request's `cpu` gets: null for qemu's default.
 */
export function useCpuChoice(platform: string | null) {
  const models = useCpuModels(platform);
  const [picked, setPicked] = useState<Record<string, string | null>>({});
  const data = models.data;
  const applies = data !== undefined && data.run !== 'native';
  const value =
    !applies || platform === null
      ? null
      : platform in picked
        ? (picked[platform] ?? null)
        : data.suggested;
  return {
    platform,
    models,
    applies,
    value,
    pick: (next: string | null) => {
      if (platform) setPicked((p) => ({ ...p, [platform]: next }));
    },
    /** Why a run cannot go ahead yet. */
    blockedReason: models.isLoading ? 'Checking which CPU models qemu offers…' : null,
  };
}

export type CpuChoice = ReturnType<typeof useCpuChoice>;

function ModelDetail({ model, id }: { model: CpuModel; id: string }) {
  return (
    <div id={id} data-testid="run-cpu-detail" className="mt-1.5 space-y-1 text-xs text-muted">
      <p>{model.description}</p>
      {(model.isa || model.features.length > 0) && (
        <p>
          {model.isa && <span className="font-medium text-fg">{model.isa}</span>}
          {model.isa && model.features.length > 0 && ' · '}
          {model.features.length > 0 && (
            <span className="font-mono" title="As the probe saw them, by their /proc/cpuinfo names">
              {model.features.join(' ')}
            </span>
          )}
        </p>
      )}
      {model.speed && (
        <p className="flex gap-1.5">
          <Gauge aria-hidden className="mt-px size-3.5 shrink-0" />
          <span>{model.speed}</span>
        </p>
      )}
    </div>
  );
}

/**
 * The Run dialog's CPU model field: qemu's models for the chosen platform, each checked by the
 * daemon against the installed qemu, with what it gives; the ones not offered, with why.
 */
export function CpuModelField({ cpu }: { cpu: CpuChoice }) {
  const ids = { select: useId(), detail: useId() };
  const { models, platform } = cpu;
  if (!platform) return null;
  const arch = archLabel(platform);

  if (models.isLoading) {
    return (
      <p role="status" className="flex items-center gap-2 text-sm text-muted">
        <Spinner label="Checking CPU models" />
        Checking which CPU models qemu offers for {arch}…
      </p>
    );
  }
  if (models.isError || !models.data) {
    return (
      <div data-testid="run-cpu-error">
        <ErrorNotice
          title={`Could not read the CPU models for ${arch}`}
          error={models.error}
          onRetry={() => void models.refetch()}
        >
          <p className="text-muted">The container runs with qemu’s default model.</p>
        </ErrorNotice>
      </div>
    );
  }
  const data = models.data;
  if (!cpu.applies) {
    return (
      <div>
        <p className="text-sm font-medium">CPU model</p>
        <p data-testid="run-cpu-native" className="mt-1 text-xs text-muted">
          {data.note ?? `${platform} runs natively here: no CPU model applies.`}
        </p>
      </div>
    );
  }
  const chosen = data.models.find((m) => m.value === cpu.value) ?? data.models[0];
  return (
    <div>
      <FieldLabel htmlFor={ids.select} optional>
        CPU model
      </FieldLabel>
      <select
        id={ids.select}
        value={cpu.value ?? ''}
        onChange={(event) => cpu.pick(event.target.value === '' ? null : event.target.value)}
        aria-describedby={ids.detail}
        data-testid="run-cpu"
        className={monoInputClass}
      >
        {data.models.map((m) => (
          <option key={m.value ?? ''} value={m.value ?? ''}>
            {m.title}
            {m.value && m.value !== m.title ? ` — ${m.value}` : ''}
            {m.suggested ? ' (suggested)' : ''}
          </option>
        ))}
      </select>
      {chosen && <ModelDetail model={chosen} id={ids.detail} />}
      <p className="mt-1 text-xs text-subtle">
        Set as <span className="font-mono">QEMU_CPU</span> for every program in the container; each
        model was checked against this host’s qemu
        {data.qemu?.version ? ` (${data.qemu.version.split(' ')[0]})` : ''}.
      </p>
      {data.note && (
        <p className="mt-1.5 flex gap-1.5 text-xs text-amber-800 dark:text-amber-300">
          <TriangleAlert aria-hidden className="mt-px size-3.5 shrink-0" />
          <span>{data.note}</span>
        </p>
      )}
      {data.rejected.length > 0 && (
        <details data-testid="run-cpu-rejected" className="mt-1.5 text-xs">
          <summary className="cursor-pointer text-muted hover:text-fg">
            Not offered for {arch} ({data.rejected.length})
          </summary>
          <ul className="mt-1 space-y-1 pl-4">
            {data.rejected.map((r) => (
              <li key={r.value} className="list-disc text-muted">
                <span className="font-mono text-fg">{r.value}</span>: {r.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
