import { useId, useState } from 'react';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { DialogForm } from '@/components/dialog-form';
import { ErrorNotice } from '@/components/error-notice';
import { FieldLabel } from '@/components/field-label';
import { dialogFooterClass, monoInputClass, verbatimTextProps } from '@/components/form';
import { hostsChanges, useHostsChange } from '../api/change-hosts';

/**
 * Adds a host by its ssh:// URL. The daemon only reads the key the host presents; the card it
 * then shows asks the user to compare it before anything else is sent.
 */
export function AddHostDialog({ onClose }: { onClose: () => void }) {
  const ids = { name: useId(), url: useId(), urlHint: useId() };
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const add = useHostsChange(hostsChanges.add);
  const blocked = !name.trim()
    ? 'Name the host'
    : !url.startsWith('ssh://')
      ? 'Write an ssh:// URL'
      : undefined;

  return (
    <Dialog title="Add a host" onClose={onClose} data-testid="add-host-dialog">
      <DialogForm
        onSubmit={() => {
          if (blocked) return;
          add.mutate({ name: name.trim(), url: url.trim() }, { onSuccess: onClose });
        }}
      >
        <div>
          <FieldLabel htmlFor={ids.name}>Name</FieldLabel>
          <input
            id={ids.name}
            value={name}
            onChange={(event) => setName(event.target.value)}
            placeholder="arm64 server"
            maxLength={64}
            data-autofocus
            data-testid="host-name"
            className={monoInputClass}
          />
        </div>
        <div>
          <FieldLabel htmlFor={ids.url}>SSH URL</FieldLabel>
          <input
            id={ids.url}
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            placeholder="ssh://root@arm64.example:22/run/podman/podman.sock"
            maxLength={512}
            {...verbatimTextProps}
            aria-describedby={ids.urlHint}
            data-testid="host-url"
            className={monoInputClass}
          />
          <p id={ids.urlHint} className="mt-1.5 text-xs text-muted">
            The user archdeck logs in as, the host, its SSH port, and the path of podman's API
            socket there (root's, /run/podman/podman.sock, when left out).
          </p>
        </div>
        {add.isError && <ErrorNotice title="Could not add the host" error={add.error} />}
        <div className={dialogFooterClass}>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            type="submit"
            variant="primary"
            busy={add.isPending}
            disabledReason={blocked}
            data-testid="add-host-submit"
          >
            Read its key
          </Button>
        </div>
      </DialogForm>
    </Dialog>
  );
}
