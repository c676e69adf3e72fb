import type { Preset } from '@archdeck/shared';
import { RotateCw, TriangleAlert } from 'lucide-react';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { MessageText } from '@/components/message-text';
import { presetChanges, usePresetChange } from '../api/change-presets';

/** `A`, `A and B`, `A, B and C`. */
const listed = (names: string[]) =>
  names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/** One fix, for the presets whose registry it would let archdeck ask, and asking again. */
function Fix({ fix, presets }: { fix: string; presets: Preset[] }) {
  const check = usePresetChange((ids: string[]) => Promise.all(ids.map(presetChanges.check)));
  return (
    <div
      role="note"
      data-testid="presets-fix"
      className="flex gap-2.5 rounded-lg border border-amber-500/40 bg-amber-500/5 px-3 py-2.5 text-sm"
    >
      <TriangleAlert
        aria-hidden
        className="mt-0.5 size-4 shrink-0 text-amber-600 dark:text-amber-400"
      />
      <div className="min-w-0 flex-1 space-y-1.5 [overflow-wrap:anywhere]">
        <p className="font-medium text-amber-900 dark:text-amber-200">
          Which platforms {listed(presets.map((p) => p.title))}{' '}
          {presets.length === 1 ? 'publishes' : 'publish'} is not checked
        </p>
        <p>
          <MessageText text={`Fix: ${fix}`} />
        </p>
        {check.isError && <ErrorNotice title="Could not ask again" error={check.error} />}
        <Button
          size="sm"
          icon={<RotateCw aria-hidden />}
          busy={check.isPending}
          onClick={() => check.mutate(presets.map((p) => p.id))}
          data-testid="presets-fix-check"
        >
          Check again
        </Button>
      </div>
    </div>
  );
}

/**
 * What would let archdeck check the presets offered unchecked: each fix once, with the
 * presets it is for (all those of one unreachable registry share one).
 */
export function PresetFixes({ presets }: { presets: Preset[] }) {
  const byFix = new Map<string, Preset[]>();
  for (const preset of presets) {
    const fix = preset.index.state === 'unchecked' ? preset.index.problem?.fix : null;
    if (fix) byFix.set(fix, [...(byFix.get(fix) ?? []), preset]);
  }
  if (byFix.size === 0) return null;
  return (
    <div className="mb-4 space-y-3">
      {[...byFix].map(([fix, group]) => (
        <Fix key={fix} fix={fix} presets={group} />
      ))}
    </div>
  );
}
