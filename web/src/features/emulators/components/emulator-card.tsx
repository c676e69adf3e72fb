import { useId } from 'react';
import clsx from 'clsx';
import type { EmulatorEntry } from '@archdeck/shared';
import { ChevronRight } from 'lucide-react';
import { Badge } from '@/components/badge';
import { Switch } from '@/components/switch';
import { emulatorChanges, useEmulatorChange } from '../api/change-emulators';
import { ActionError } from './action-error';
import { EmulatorActions } from './emulator-actions';
import { FlagChips } from './flag-chips';
import { InterpreterHealth } from './interpreter-health';
import { driftBadge, spacedHex, verdictBadge } from './labels';
import { PlatformChip } from '@/components/platform-chip';

const verdictEdge: Record<EmulatorEntry['verdict'], string> = {
  'container-ready': 'border-l-emerald-500',
  'host-only': 'border-l-amber-500',
  broken: 'border-l-red-500',
  shadowing: 'border-l-red-500',
  disabled: 'border-l-zinc-300 dark:border-l-zinc-700',
};

function Registration({ entry }: { entry: EmulatorEntry }) {
  return (
    <details className="group mt-2.5">
      <summary className="inline-flex cursor-pointer items-center gap-1 rounded text-xs font-medium text-muted select-none hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500 [&::-webkit-details-marker]:hidden">
        <ChevronRight aria-hidden className="size-3.5 transition-transform group-open:rotate-90" />
        {entry.platform ? 'Kernel registration' : 'Unknown platform: show the raw registration'}
      </summary>
      <dl className="mt-2 grid grid-cols-[minmax(5rem,max-content)_1fr] gap-x-4 gap-y-1 rounded-lg bg-sunken px-3 py-2.5 text-xs">
        <dt className="text-muted">Matches by</dt>
        <dd>
          {entry.type === 'magic' ? 'magic bytes' : 'file extension'}
          {entry.type === 'magic' && <span className="text-muted"> at offset {entry.offset}</span>}
        </dd>
        {entry.magic !== null && (
          <>
            <dt className="text-muted">Magic</dt>
            <dd className="font-mono break-all">{spacedHex(entry.magic)}</dd>
          </>
        )}
        {entry.mask !== null && (
          <>
            <dt className="text-muted">Mask</dt>
            <dd className="font-mono break-all">{spacedHex(entry.mask)}</dd>
          </>
        )}
        {entry.extension !== null && (
          <>
            <dt className="text-muted">Extension</dt>
            <dd className="font-mono">.{entry.extension}</dd>
          </>
        )}
        {entry.elf && (
          <>
            <dt className="text-muted">ELF</dt>
            <dd>
              ELF{entry.elf.class}, {entry.elf.byteOrder}-endian, {entry.elf.machineName}{' '}
              <span className="text-muted">(e_machine {entry.elf.machine})</span>
            </dd>
          </>
        )}
      </dl>
    </details>
  );
}

export function EmulatorCard({
  entry,
  lockReason,
}: {
  entry: EmulatorEntry;
  /** Set when the daemon cannot change anything: every control is inert and says why. */
  lockReason: string | null;
}) {
  const headingId = useId();
  const enable = useEmulatorChange(emulatorChanges.enable);
  const disable = useEmulatorChange(emulatorChanges.disable);
  const verdict = verdictBadge[entry.verdict];
  const drift = driftBadge(entry.drift, entry.persistedIn);

  // While the request runs the switch already shows where it is going.
  const toggling = enable.isPending || disable.isPending;
  const checked = enable.isPending ? true : disable.isPending ? false : entry.enabled;
  const toggleError = enable.error ?? disable.error;
  const setEnabled = (on: boolean) => {
    enable.reset();
    disable.reset();
    (on ? enable : disable).mutate(entry.name);
  };

  return (
    <article
      data-testid={`emulator-${entry.name}`}
      aria-labelledby={headingId}
      className={clsx(
        'rounded-xl border border-l-4 border-line bg-surface shadow-xs',
        verdictEdge[entry.verdict],
      )}
    >
      <div className="flex items-start gap-4 px-5 pt-4 pb-3">
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-x-2.5 gap-y-1.5">
            <h3 id={headingId} className="font-mono text-[15px] font-semibold break-all">
              {entry.name}
            </h3>
            {entry.platform ? (
              <PlatformChip platform={entry.platform} />
            ) : (
              <span className="rounded-md px-1.5 py-0.5 text-xs text-subtle italic ring-1 ring-line ring-inset">
                unknown platform
              </span>
            )}
            <Badge tone={verdict.tone} data-testid={`emulator-verdict-${entry.name}`}>
              {verdict.label}
            </Badge>
          </div>
          <p className="mt-1.5 text-sm text-muted">{entry.verdictReason}</p>
        </div>
        <div className="flex shrink-0 items-center gap-2 pt-0.5">
          <span aria-hidden className="w-6 text-right text-xs font-medium text-muted">
            {checked ? 'On' : 'Off'}
          </span>
          <Switch
            checked={checked}
            onChange={setEnabled}
            label={`Enable ${entry.name}`}
            busy={toggling}
            disabledReason={lockReason}
            data-testid={`emulator-toggle-${entry.name}`}
          />
        </div>
      </div>
      {toggleError && (
        <div className="px-5 pb-3">
          <ActionError
            title={`Could not ${enable.isError ? 'enable' : 'disable'} ${entry.name}`}
            error={toggleError}
          />
        </div>
      )}

      <dl className="grid gap-x-8 gap-y-3 border-t border-line px-5 py-3.5 text-sm sm:grid-cols-[minmax(0,1.6fr)_minmax(0,1fr)]">
        <div className="min-w-0">
          <dt className="mb-1 text-xs font-medium tracking-wider text-subtle uppercase">
            Interpreter
          </dt>
          <dd>
            <InterpreterHealth health={entry.interpreterHealth} />
            <Registration entry={entry} />
          </dd>
        </div>
        <div className="min-w-0 space-y-3">
          <div>
            <dt className="mb-1 text-xs font-medium tracking-wider text-subtle uppercase">Flags</dt>
            <dd>
              <FlagChips flags={entry.flagInfo} />
            </dd>
          </div>
          <div>
            <dt className="mb-1 text-xs font-medium tracking-wider text-subtle uppercase">
              At boot
            </dt>
            <dd className="flex flex-wrap items-center gap-x-2 gap-y-1">
              <Badge tone={drift.tone} title={drift.explanation}>
                {drift.label}
              </Badge>
              <span className="sr-only">{drift.explanation}</span>
              {entry.persistedIn && (
                <span className="font-mono text-xs break-all text-muted">{entry.persistedIn}</span>
              )}
            </dd>
          </div>
        </div>
      </dl>

      <EmulatorActions entry={entry} lockReason={lockReason} />
    </article>
  );
}
