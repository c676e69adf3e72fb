import type { ReactNode } from 'react';
import clsx from 'clsx';
import type { Emulators } from '@archdeck/shared';
import { PlatformChips } from '@/components/platform-chip';

function Group({
  term,
  hint,
  dot,
  children,
}: {
  term: string;
  hint: string;
  dot: string;
  children: ReactNode;
}) {
  return (
    <div className="min-w-0">
      <dt className="flex items-center gap-1.5 text-xs font-medium text-muted" title={hint}>
        <span aria-hidden className={clsx('size-1.5 rounded-full', dot)} />
        {term}
        <span className="sr-only"> ({hint})</span>
      </dt>
      <dd className="mt-1.5">{children}</dd>
    </div>
  );
}

/** Which platforms this host can run, and how: the answer the page exists for. */
export function PlatformSummary({
  summary,
  compact = false,
}: {
  summary: Emulators['summary'];
  /** Leaves out the platforms nothing can run (the Host page's card). */
  compact?: boolean;
}) {
  return (
    <dl
      className={clsx(
        'grid gap-x-6 gap-y-4',
        compact ? 'sm:grid-cols-3' : 'sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_1.6fr]',
      )}
    >
      <Group term="Native" dot="bg-emerald-500" hint="The CPU runs these itself.">
        <PlatformChips platforms={summary.native} />
      </Group>
      <Group
        term="In containers"
        dot="bg-emerald-500"
        hint="An emulator is registered that also works inside containers (static, with the F flag)."
      >
        <PlatformChips platforms={summary.containers} />
      </Group>
      <Group
        term="Host only"
        dot="bg-amber-500"
        hint="An emulator is registered, but it only works for programs on the host, not in containers."
      >
        <PlatformChips platforms={summary.hostOnly} />
      </Group>
      {!compact && (
        <Group
          term="No emulator"
          dot="bg-zinc-400"
          hint="Binaries for these fail with “exec format error”."
        >
          <PlatformChips platforms={summary.none} muted />
        </Group>
      )}
    </dl>
  );
}
