import { useState } from 'react';
import type { PullJob } from '@archdeck/shared';
import { CircleCheck, Download, TriangleAlert } from 'lucide-react';
import { Button } from '@/components/button';
import { DialogForm } from '@/components/dialog-form';
import { Dialog } from '@/components/dialog';
import { ErrorNotice } from '@/components/error-notice';
import { DialogFooter } from '@/components/dialog-footer';
import { dialogFooterClass } from '@/components/form';
import { PlatformChip } from '@/components/platform-chip';
import { ReferenceLookupFields } from '@/components/reference-lookup-fields';
import { useReferenceLookup } from '@/lib/use-reference-lookup';
import { useCancelPull } from '../api/cancel-pull';
import { useCreatePull } from '../api/create-pull';
import { usePullProgress } from '../api/get-pull-events';
import { usePulls } from '../api/get-pulls';
import { PullLayers, PullOverall, PullStateBadge, RetryPullButton } from './pull-progress';
import { ReferenceText } from '@/components/reference-text';

function PullForm({
  onStarted,
  onClose,
}: {
  onStarted: (job: PullJob) => void;
  onClose: () => void;
}) {
  const field = useReferenceLookup();
  const create = useCreatePull();
  const blocked = field.blockedReason();

  const submit = () => {
    const target = field.resolve();
    if (!target || create.isPending) return;
    create.mutate(target, { onSuccess: onStarted });
  };

  return (
    <DialogForm onSubmit={submit}>
      <ReferenceLookupFields
        field={field}
        onSubmit={submit}
        hint="A name with an optional tag or digest. The registry is asked which platforms it offers before anything is downloaded."
        unavailableNote={(platform) =>
          `No container-ready emulator for ${platform} is registered: the image can be pulled, but its containers fail with “exec format error” until one is (Emulators page).`
        }
        testIdPrefix="pull"
        testIds={{ input: 'ref', error: 'lookup-error' }}
      />

      {create.isError && (
        <div data-testid="pull-start-error">
          <ErrorNotice title="Could not start the pull" error={create.error} />
        </div>
      )}

      <DialogFooter
        onCancel={onClose}
        icon={<Download aria-hidden />}
        busy={create.isPending}
        blocked={blocked}
        data-testid="pull-submit"
      >
        Pull
        {field.selected && !field.stale && (
          <span className="font-mono opacity-70">{field.selected}</span>
        )}
      </DialogFooter>
    </DialogForm>
  );
}

/** Stable, so it runs when the element mounts and not again on every progress update. */
const focusOnMount = (element: HTMLElement | null) => element?.focus();

const endedTitle = {
  failed: 'The pull failed',
  interrupted: 'The pull was interrupted',
} as const;

/** A started pull, followed live until it ends; closing the dialog leaves it running. */
function PullJobView({
  started,
  onClose,
  onAnother,
  onRetried,
}: {
  started: PullJob;
  onClose: () => void;
  onAnother: () => void;
  onRetried: (job: PullJob) => void;
}) {
  const pulls = usePulls();
  const snapshot = pulls.data?.find((j) => j.id === started.id) ?? started;
  const { job: live, connection } = usePullProgress(snapshot);
  const cancel = useCancelPull();
  const job = live ?? snapshot;
  const running = job.state === 'running';

  return (
    <div data-testid="pull-job" className="space-y-5">
      {/* Focus lands here when the form gives way, so it is not lost to the page behind. */}
      <div
        tabIndex={-1}
        ref={focusOnMount}
        className="flex flex-wrap items-center gap-2 rounded outline-none"
      >
        <span className="font-mono text-sm font-medium">
          <ReferenceText value={job.ref} />
        </span>
        <PlatformChip platform={job.platform} />
        <PullStateBadge job={job} data-testid="pull-state" />
      </div>

      <PullOverall job={job} data-testid="pull-progress" />

      {running && connection === 'closed' && (
        <p className="text-sm text-muted">
          Lost the connection to this pull’s progress. It goes on in the daemon; the Pulls list on
          the Images page shows how it ends.
        </p>
      )}

      {job.state === 'succeeded' && (
        <div
          role="status"
          data-testid="pull-success"
          className="flex gap-3 rounded-lg border border-emerald-500/30 bg-emerald-500/5 px-4 py-3 text-sm"
        >
          <CircleCheck
            aria-hidden
            className="mt-0.5 size-4 shrink-0 text-emerald-600 dark:text-emerald-400"
          />
          <div className="min-w-0">
            <p className="font-medium">
              Pulled{' '}
              <span className="font-mono">
                <ReferenceText value={job.archTag ?? job.ref} />
              </span>
            </p>
            <p className="mt-0.5 text-muted">It is in the image list now.</p>
            {job.error && (
              <p className="mt-2 flex gap-2 text-amber-800 dark:text-amber-300">
                <TriangleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
                <span>{job.error}</span>
              </p>
            )}
          </div>
        </div>
      )}
      {(job.state === 'failed' || job.state === 'interrupted') && (
        <div data-testid="pull-error">
          <ErrorNotice
            title={endedTitle[job.state]}
            error={job.error ?? 'podman gave no reason.'}
          />
        </div>
      )}
      {job.state === 'cancelled' && (
        <p role="status" className="text-sm text-muted">
          {job.error ?? 'Cancelled.'} Whatever was downloaded so far is discarded.
        </p>
      )}
      {cancel.isError && <ErrorNotice title="Could not cancel the pull" error={cancel.error} />}

      <section className="space-y-2">
        <h3 className="text-sm font-medium">
          Layers <span className="font-normal text-subtle">({job.layers.length})</span>
        </h3>
        <PullLayers job={job} />
      </section>

      <div className={dialogFooterClass}>
        {running ? (
          <>
            <Button
              variant="danger"
              busy={cancel.isPending}
              onClick={() => cancel.mutate(job.id)}
              data-testid="pull-cancel"
              className="mr-auto"
            >
              Cancel pull
            </Button>
            <Button
              onClick={onClose}
              title="The pull goes on in the daemon"
              data-testid="pull-close"
            >
              Close
            </Button>
          </>
        ) : (
          <>
            {job.state !== 'succeeded' && <RetryPullButton job={job} onStarted={onRetried} />}
            <Button onClick={onAnother} data-testid="pull-another">
              Pull another
            </Button>
            <Button variant="primary" onClick={onClose} data-testid="pull-close">
              Close
            </Button>
          </>
        )}
      </div>
    </div>
  );
}

/**
 * Pull an image for a platform: type a reference, pick one of the platforms the registry
 * offers, then watch it download. A pull belongs to the daemon: closing this does not stop it.
 */
export function PullDialog({ onClose }: { onClose: () => void }) {
  const [job, setJob] = useState<PullJob | null>(null);
  return (
    <Dialog
      title="Pull an image"
      description={
        job
          ? 'Closing this does not stop the pull; the Pulls list on the Images page keeps showing it.'
          : 'Choose which architecture to download: this host can run foreign ones with an emulator.'
      }
      onClose={onClose}
      data-testid="pull-dialog"
    >
      {job ? (
        <PullJobView
          key={job.id}
          started={job}
          onClose={onClose}
          onAnother={() => setJob(null)}
          onRetried={setJob}
        />
      ) : (
        <PullForm onStarted={setJob} onClose={onClose} />
      )}
    </Dialog>
  );
}
