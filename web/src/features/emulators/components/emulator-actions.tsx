import type { EmulatorEntry } from '@archdeck/shared';
import { HardDriveDownload, Trash2, Undo2 } from 'lucide-react';
import { Button } from '@/components/button';
import { ConfirmPanel, useConfirmStep } from '@/components/confirm-step';
import { emulatorChanges, useEmulatorChange } from '../api/change-emulators';
import { ActionError } from './action-error';

/** Persist/unpersist and remove, each failure shown right under the buttons. */
export function EmulatorActions({
  entry,
  lockReason,
}: {
  entry: EmulatorEntry;
  lockReason: string | null;
}) {
  const persist = useEmulatorChange(emulatorChanges.persist);
  const unpersist = useEmulatorChange(emulatorChanges.unpersist);
  const remove = useEmulatorChange(emulatorChanges.remove);
  const step = useConfirmStep();

  const persisted = entry.drift === 'both' || entry.drift === 'different';

  return (
    <div className="space-y-3 border-t border-line px-5 py-3">
      <div className="flex flex-wrap items-center gap-2">
        {entry.drift === 'both' ? (
          <Button
            size="sm"
            icon={<Undo2 aria-hidden />}
            busy={unpersist.isPending}
            disabledReason={lockReason}
            onClick={() => unpersist.mutate(entry.name)}
            title={`Remove ${entry.persistedIn ?? 'its binfmt.d file'}; the live handler stays until reboot`}
            data-testid={`emulator-persist-${entry.name}`}
          >
            Unpersist
          </Button>
        ) : (
          <Button
            size="sm"
            icon={<HardDriveDownload aria-hidden />}
            busy={persist.isPending}
            disabledReason={lockReason}
            onClick={() => persist.mutate(entry.name)}
            title={
              entry.drift === 'different'
                ? `Overwrite ${entry.persistedIn ?? 'its binfmt.d file'} with the live registration`
                : 'Write it to /etc/binfmt.d so it is registered again at boot'
            }
            data-testid={`emulator-persist-${entry.name}`}
          >
            {entry.drift === 'different' ? 'Persist as it is now' : 'Persist'}
          </Button>
        )}
        {entry.drift === 'different' && (
          <Button
            size="sm"
            variant="ghost"
            icon={<Undo2 aria-hidden />}
            busy={unpersist.isPending}
            disabledReason={lockReason}
            onClick={() => unpersist.mutate(entry.name)}
            data-testid={`emulator-unpersist-${entry.name}`}
          >
            Unpersist
          </Button>
        )}
        <Button
          {...step.triggerProps}
          size="sm"
          variant="ghost"
          className="ml-auto text-red-700 hover:bg-red-500/10 hover:text-red-800 dark:text-red-400 dark:hover:text-red-300"
          icon={<Trash2 aria-hidden />}
          disabledReason={lockReason}
          data-testid={`emulator-remove-${entry.name}`}
        >
          Remove
        </Button>
      </div>

      {step.confirming && (
        <ConfirmPanel
          step={step}
          label={`Confirm removing ${entry.name}`}
          message={
            <>
              Unregister <span className="font-mono font-medium">{entry.name}</span> from the
              kernel?
              {entry.platform && (
                <> Binaries for {entry.platform} will fail with “exec format error”.</>
              )}
              {persisted && entry.persistedIn && (
                <span className="text-muted">
                  {' '}
                  It comes back at boot from <span className="font-mono">
                    {entry.persistedIn}
                  </span>{' '}
                  unless you unpersist it.
                </span>
              )}
            </>
          }
          confirmLabel={`Remove ${entry.name}`}
          onConfirm={() => remove.mutate(entry.name)}
          busy={remove.isPending}
          data-testid={`emulator-remove-confirm-${entry.name}`}
        />
      )}

      {persist.isError && (
        <ActionError title={`Could not persist ${entry.name}`} error={persist.error} />
      )}
      {unpersist.isError && (
        <ActionError title={`Could not unpersist ${entry.name}`} error={unpersist.error} />
      )}
      {remove.isError && (
        <ActionError title={`Could not remove ${entry.name}`} error={remove.error} />
      )}
    </div>
  );
}
