import { useId, useRef, useState } from 'react';
import type { EmulatorEntry } from '@archdeck/shared';
import { HardDriveDownload, Trash2, Undo2 } from 'lucide-react';
import { Button } from '@/components/button';
import { usePersistEmulator } from '../api/persist-emulator';
import { useRemoveEmulator } from '../api/remove-emulator';
import { useUnpersistEmulator } from '../api/unpersist-emulator';
import { ActionError } from './action-error';

/** Persist/unpersist and remove, each failure shown right under the buttons. */
export function EmulatorActions({
  entry,
  lockReason,
}: {
  entry: EmulatorEntry;
  lockReason: string | null;
}) {
  const persist = usePersistEmulator();
  const unpersist = useUnpersistEmulator();
  const remove = useRemoveEmulator();
  const [confirming, setConfirming] = useState(false);
  const removeButton = useRef<HTMLButtonElement>(null);
  const confirmId = useId();

  const persisted = entry.drift === 'both' || entry.drift === 'different';
  const cancelRemove = () => {
    setConfirming(false);
    removeButton.current?.focus();
  };

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
          ref={removeButton}
          size="sm"
          variant="ghost"
          className="ml-auto text-red-700 hover:bg-red-500/10 hover:text-red-800 dark:text-red-400 dark:hover:text-red-300"
          icon={<Trash2 aria-hidden />}
          disabledReason={lockReason}
          aria-expanded={confirming}
          aria-controls={confirming ? confirmId : undefined}
          onClick={() => (confirming ? cancelRemove() : setConfirming(true))}
          data-testid={`emulator-remove-${entry.name}`}
        >
          Remove
        </Button>
      </div>

      {confirming && (
        <div
          id={confirmId}
          role="group"
          aria-label={`Confirm removing ${entry.name}`}
          onKeyDown={(event) => {
            if (event.key === 'Escape') cancelRemove();
          }}
          className="flex flex-wrap items-center gap-3 rounded-lg border border-red-500/30 bg-red-500/5 px-4 py-3 text-sm"
        >
          <p className="min-w-0 flex-1">
            Unregister <span className="font-mono font-medium">{entry.name}</span> from the kernel?
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
          </p>
          <div className="flex gap-2">
            <Button size="sm" onClick={cancelRemove} autoFocus>
              Keep
            </Button>
            <Button
              size="sm"
              variant="danger"
              busy={remove.isPending}
              onClick={() => remove.mutate(entry.name)}
              data-testid={`emulator-remove-confirm-${entry.name}`}
            >
              Remove {entry.name}
            </Button>
          </div>
        </div>
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
