import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { PullJob } from '@archdeck/shared';
import { CircleCheck, Download, TriangleAlert } from 'lucide-react';
import { Button } from '@/components/button';
import { Dialog } from '@/components/dialog';
import { ErrorNotice } from '@/components/error-notice';
import { PlatformChip } from '@/components/platform-chip';
import { Spinner } from '@/components/spinner';
import { useCancelPull } from '../api/cancel-pull';
import { useCreatePull } from '../api/create-pull';
import { usePullProgress } from '../api/get-pull-events';
import { usePulls } from '../api/get-pulls';
import { useRemotePlatforms } from '../api/get-remote-platforms';
import { defaultPlatform, PlatformPicker } from './platform-picker';
import { PullLayers, PullOverall, PullStateBadge } from './pull-progress';
import { ReferenceText } from './reference-text';

/** Long enough not to ask the registry about every prefix typed; short enough to feel live. */
const LOOKUP_DELAY_MS = 400;

const inputClass =
  'mt-1.5 block w-full rounded-lg border border-line bg-canvas px-3 py-2 font-mono text-sm outline-none placeholder:font-sans placeholder:text-subtle focus:border-zinc-500 focus:ring-2 focus:ring-zinc-500/30';

const footerClass =
  'sticky -bottom-5 -mx-6 -mb-5 flex flex-wrap justify-end gap-2 border-t border-line bg-surface px-6 py-4';

function PullForm({
  onStarted,
  onClose,
}: {
  onStarted: (job: PullJob) => void;
  onClose: () => void;
}) {
  const [reference, setReference] = useState('');
  const [lookup, setLookup] = useState('');
  const [choice, setChoice] = useState<string | null>(null);
  const platforms = useRemotePlatforms(lookup);
  const create = useCreatePull();
  const ids = { input: useId(), hint: useId() };

  const typed = reference.trim();
  // The registry is asked once typing pauses; Enter and leaving the field ask at once.
  useEffect(() => {
    if (typed === lookup) return;
    const timer = setTimeout(() => setLookup(typed), LOOKUP_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed, lookup]);

  const stale = typed !== lookup;
  const remote = platforms.data;
  const selected =
    remote && remote.platforms.some((p) => p.platform === choice)
      ? choice
      : remote
        ? defaultPlatform(remote.platforms)
        : null;

  const blocked = !typed
    ? 'Type an image reference first'
    : stale
      ? null // submitting looks it up
      : platforms.isFetching && !remote
        ? 'Asking the registry for its platforms…'
        : platforms.isError
          ? 'The registry lookup failed; press Enter in the reference to ask again'
          : !selected
            ? 'Choose a platform'
            : null;

  const submit = () => {
    if (!typed) return;
    if (stale) {
      setLookup(typed);
      return;
    }
    if (platforms.isError) {
      void platforms.refetch();
      return;
    }
    if (!remote || !selected || create.isPending) return;
    create.mutate({ ref: lookup, platform: selected }, { onSuccess: onStarted });
  };
  // Enter is handled here rather than left to implicit submission: that clicks the submit
  // button, which refuses while it is blocked, and Enter must still look the reference up.
  const submitOnEnter = (event: KeyboardEvent) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    submit();
  };

  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        submit();
      }}
      className="space-y-5"
    >
      <div>
        <label htmlFor={ids.input} className="block text-sm font-medium">
          Image reference
        </label>
        <input
          id={ids.input}
          value={reference}
          onChange={(event) => setReference(event.target.value)}
          onKeyDown={submitOnEnter}
          onBlur={() => {
            if (typed) setLookup(typed);
          }}
          placeholder="e.g. busybox:1.36 or quay.io/podman/hello:latest"
          maxLength={512}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          aria-describedby={ids.hint}
          data-autofocus
          autoFocus
          data-testid="pull-ref"
          className={inputClass}
        />
        <p id={ids.hint} className="mt-1.5 text-xs text-muted">
          A name with an optional tag or digest. The registry is asked which platforms it offers
          before anything is downloaded.
        </p>
      </div>

      {lookup !== '' &&
        (remote ? (
          <PlatformPicker
            remote={remote}
            selected={selected}
            onSelect={setChoice}
            onSubmit={submit}
            stale={stale}
          />
        ) : platforms.isError ? (
          <div data-testid="pull-lookup-error">
            <ErrorNotice
              title={`Could not look up ${lookup}`}
              error={platforms.error}
              onRetry={() => void platforms.refetch()}
            />
          </div>
        ) : (
          <p role="status" className="flex items-center gap-2 text-sm text-muted">
            <Spinner label="Asking the registry" />
            Asking the registry which platforms <span className="font-mono">{lookup}</span> has…
          </p>
        ))}

      {create.isError && (
        <div data-testid="pull-start-error">
          <ErrorNotice title="Could not start the pull" error={create.error} />
        </div>
      )}

      <div className={footerClass}>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          type="submit"
          variant="primary"
          icon={<Download aria-hidden />}
          busy={create.isPending}
          disabledReason={blocked}
          data-testid="pull-submit"
        >
          Pull{selected && !stale && <span className="font-mono opacity-70">{selected}</span>}
        </Button>
      </div>
    </form>
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
}: {
  started: PullJob;
  onClose: () => void;
  onAnother: () => void;
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

      <div className={footerClass}>
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
        <PullJobView started={job} onClose={onClose} onAnother={() => setJob(null)} />
      ) : (
        <PullForm onStarted={setJob} onClose={onClose} />
      )}
    </Dialog>
  );
}
