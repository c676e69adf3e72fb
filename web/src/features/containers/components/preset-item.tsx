import { useId } from 'react';
import { Link } from 'react-router';
import { archLabel, parsePlatform, type Preset } from '@archdeck/shared';
import { Pencil, Play, RotateCw, Trash2, TriangleAlert } from 'lucide-react';
import { Button } from '@/components/button';
import { ConfirmPanel, useConfirmStep } from '@/components/confirm-step';
import { ErrorNotice } from '@/components/error-notice';
import { MessageText } from '@/components/message-text';
import { runLabel } from '@/components/run-badge';
import { Spinner } from '@/components/spinner';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import { presetChanges, usePresetChange } from '../api/change-presets';
import { LaunchStatus } from './launch-status';
import { archId } from './labels';
import type { useLaunch } from './use-launch';

const emulatorsLink = (
  <Link to="/emulators" className="font-medium text-fg underline underline-offset-4">
    Emulators
  </Link>
);

/** What the registry said about the preset's platforms, where it says more than its buttons. */
function IndexNote({ preset, noteId }: { preset: Preset; noteId: string }) {
  const { index, image } = preset;
  if (index.state === 'checking') {
    return (
      <p
        data-testid={`preset-index-${preset.id}`}
        className="flex items-center gap-2 text-sm text-muted"
      >
        <Spinner label="Asking the registry" />
        Asking the registry which platforms <span className="font-mono break-all">
          {image}
        </span>{' '}
        publishes…
      </p>
    );
  }
  if (index.state === 'unchecked') {
    // The fix is said once for all the presets it helps, above the list.
    return (
      <p
        data-testid={`preset-index-${preset.id}`}
        className="flex gap-2 text-sm text-amber-800 dark:text-amber-300"
      >
        <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
        <span className="min-w-0 [overflow-wrap:anywhere]">
          <span id={noteId} className="font-medium">
            Platforms not checked, so all this host runs are offered
          </span>
          :{' '}
          <MessageText
            // What went wrong only: the fix, said above, follows its first sentence.
            text={index.problem?.message.split(/(?<=\.)\s/)[0] ?? 'the registry did not answer'}
          />
        </span>
      </p>
    );
  }
  const offered = new Set(preset.platforms.map((p) => p.platform));
  const elsewhere = index.platforms.filter(
    (p) => parsePlatform(p).os === 'linux' && !offered.has(p),
  );
  if (index.platforms.length === 0) {
    return (
      <p data-testid={`preset-index-${preset.id}`} className="text-sm text-muted italic">
        The registry lists no platforms for it.
      </p>
    );
  }
  if (offered.size === 0) {
    return (
      <p data-testid={`preset-index-${preset.id}`} className="text-sm text-muted italic">
        This host runs none of the platforms it publishes ({elsewhere.map(archLabel).join(', ')}):
        register an emulator on the {emulatorsLink} page.
      </p>
    );
  }
  if (elsewhere.length === 0) return null;
  return (
    <p data-testid={`preset-index-${preset.id}`} className="text-xs text-muted">
      Also published for {elsewhere.map(archLabel).join(', ')}, which this host has no
      container-ready emulator for ({emulatorsLink}).
    </p>
  );
}

/**
 * One preset: its Run buttons (one per platform offered), what the registry said of its
 * platforms, and check again, edit and remove.
 */
export function PresetItem({
  preset,
  launch,
  launching,
  onLaunch,
  onEdit,
}: {
  preset: Preset;
  launch: ReturnType<typeof useLaunch>;
  /** The platform of this preset being launched, if it is the one. */
  launching: string | null;
  onLaunch: (platform: string) => void;
  onEdit: () => void;
}) {
  const check = usePresetChange(presetChanges.check);
  const remove = usePresetChange(presetChanges.remove);
  const step = useConfirmStep(() => remove.reset());
  const noteId = useId();
  const { index } = preset;
  const checkedAt = index.checkedAt
    ? `Asked ${formatRelativeTime(index.checkedAt)} (${formatDateTime(index.checkedAt)}). `
    : '';

  return (
    <li
      data-row-id={preset.id}
      data-testid={`preset-${preset.id}`}
      className="space-y-2.5 py-3.5 first:pt-0 last:pb-0"
    >
      <div className="flex items-start gap-3">
        <div className="min-w-0 flex-1">
          <p className="flex flex-wrap items-baseline gap-x-2 gap-y-0.5">
            <span className="text-sm font-medium [overflow-wrap:anywhere]">{preset.title}</span>
            <span className="font-mono text-xs break-all text-subtle">{preset.image}</span>
          </p>
          {preset.description && <p className="mt-0.5 text-sm text-muted">{preset.description}</p>}
        </div>
        <div className="-mt-1 -mr-2 flex shrink-0">
          <Button
            size="sm"
            variant="ghost"
            icon={<RotateCw aria-hidden />}
            busy={check.isPending}
            disabledReason={index.state === 'checking' ? 'Asking the registry already' : null}
            onClick={() => check.mutate(preset.id)}
            aria-label={`Check again which platforms ${preset.image} publishes`}
            title={`${checkedAt}Ask the registry again which platforms it publishes.`}
            data-testid={`preset-check-${preset.id}`}
          />
          <Button
            size="sm"
            variant="ghost"
            icon={<Pencil aria-hidden />}
            onClick={onEdit}
            aria-haspopup="dialog"
            aria-label={`Edit ${preset.title}`}
            title={`Edit ${preset.title}`}
            data-testid={`preset-edit-${preset.id}`}
          />
          <Button
            {...step.triggerProps}
            size="sm"
            variant="ghost"
            icon={<Trash2 aria-hidden />}
            aria-label={`Remove ${preset.title}`}
            title={`Remove ${preset.title}`}
            className="text-subtle hover:bg-red-500/10 hover:text-red-700 dark:hover:text-red-400"
            data-testid={`preset-remove-${preset.id}`}
          />
        </div>
      </div>

      {step.confirming && (
        <ConfirmPanel
          step={step}
          label={`Confirm removing ${preset.title}`}
          message={
            <>
              Remove the preset <span className="font-medium">{preset.title}</span>? Its image and
              containers stay.
            </>
          }
          confirmLabel="Remove"
          onConfirm={() => remove.mutate(preset.id)}
          busy={remove.isPending}
          data-testid={`preset-remove-confirm-${preset.id}`}
        >
          {remove.isError && (
            <ErrorNotice title={`Could not remove ${preset.title}`} error={remove.error} />
          )}
        </ConfirmPanel>
      )}

      {check.isError && (
        <ErrorNotice title="Could not ask the registry again" error={check.error} />
      )}
      <IndexNote preset={preset} noteId={noteId} />

      {index.state !== 'checking' && preset.platforms.length > 0 && (
        <ul className="flex flex-wrap gap-2" aria-label={`Run ${preset.title}`}>
          {preset.platforms.map((p) => {
            const how = runLabel(p, p.platform);
            const mine = launching === p.platform;
            return (
              <li key={p.platform} className="max-w-full">
                <Button
                  size="sm"
                  variant={p.run === 'native' || index.state !== 'listed' ? 'secondary' : 'primary'}
                  icon={<Play aria-hidden />}
                  busy={mine && launch.busy}
                  disabledReason={launch.busy && !mine ? 'Another container is starting' : null}
                  title={`${how.label}: ${how.explanation}`}
                  aria-describedby={index.state === 'unchecked' ? noteId : undefined}
                  onClick={() => onLaunch(p.platform)}
                  className="max-w-full"
                  data-testid={`preset-${preset.id}-${archId(p.platform)}`}
                >
                  <span className="truncate">
                    Run {preset.title} as {archLabel(p.platform)}
                  </span>
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      {launching !== null && (
        <LaunchStatus launch={launch} errorTestId={`preset-error-${preset.id}`} />
      )}
    </li>
  );
}
