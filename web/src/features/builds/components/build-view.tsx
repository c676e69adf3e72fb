import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { BuildJob, BuildPlatform } from '@archdeck/shared';
import { ListTree, X } from 'lucide-react';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { Callout } from '@/components/callout';
import { ErrorNotice } from '@/components/error-notice';
import { JobStateBadge } from '@/components/job-state-badge';
import { Tabs } from '@/components/tabs';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import { useBuildProgress } from '../api/get-build-events';
import { useCancelBuild } from '../api/cancel-build';
import type { BuildOutputStore } from '../output-store';

/** Renders what runs a built image: the app gives Containers' Run here (features stay apart). */
export type RunImage = (image: string, platform: string) => ReactNode;

const testId = (platform: string) => platform.replaceAll('/', '-');

/**
 * A platform's output as podman printed it, kept to its last 5,000 lines. It follows the end
 * while the reader is there, and stays put when they scroll up to read.
 */
function OutputPane({
  store,
  platform,
  ended,
}: {
  store: BuildOutputStore;
  platform: string;
  ended: boolean;
}) {
  const { lines, dropped } = store.get(platform);
  const pane = useRef<HTMLPreElement>(null);
  const [following, setFollowing] = useState(true);
  useEffect(() => {
    const el = pane.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [lines, following]);
  return (
    <div className="space-y-1">
      {dropped > 0 && <p className="text-xs text-muted">{dropped} earlier lines are not kept.</p>}
      <pre
        ref={pane}
        role="log"
        aria-label={`Build output for ${platform}`}
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          setFollowing(el.scrollHeight - el.scrollTop - el.clientHeight < 24);
        }}
        data-testid={`build-output-${testId(platform)}`}
        className="max-h-96 min-h-24 overflow-auto rounded-lg bg-zinc-950 px-4 py-3 font-mono text-xs leading-5 whitespace-pre-wrap text-zinc-100 [overflow-wrap:anywhere] focus-visible:outline-2 focus-visible:outline-zinc-500"
      >
        {lines.length > 0 ? (
          lines.join('\n')
        ) : (
          <span className="text-zinc-400">
            {ended
              ? 'No output kept: the daemon keeps a build’s output until it restarts.'
              : 'No output yet.'}
          </span>
        )}
      </pre>
    </div>
  );
}

function PlatformPanel({
  build,
  platform,
  store,
  streamEnded,
  runImage,
}: {
  build: BuildJob;
  platform: BuildPlatform;
  store: BuildOutputStore;
  /** The build's stream has sent all it had (what was kept of an ended build). */
  streamEnded: boolean;
  runImage: RunImage;
}) {
  const tag = platform.tags.at(-1)!;
  return (
    <div className="space-y-3" data-testid={`build-platform-panel-${testId(platform.platform)}`}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <JobStateBadge
          state={platform.state}
          data-testid={`build-platform-state-${testId(platform.platform)}`}
        />
        <span className="text-muted">
          {platform.run === 'native'
            ? 'RUN steps native'
            : platform.run === 'emulated'
              ? `RUN steps through ${platform.emulatedBy ?? 'qemu-user'}`
              : 'no emulator (no RUN step needs one)'}
        </span>
        {platform.state === 'running' && platform.step && (
          <span className="min-w-0 truncate font-mono text-xs" title={platform.step}>
            {platform.step}
          </span>
        )}
      </div>
      {platform.error && platform.state !== 'cancelled' && (
        <ErrorNotice
          title={`The build for ${platform.platform} ${platform.state}`}
          error={platform.error}
        />
      )}
      {platform.state === 'succeeded' && platform.imageId && (
        <div
          className="flex flex-wrap items-start justify-between gap-3 rounded-lg border border-line px-4 py-3"
          data-testid={`build-result-${testId(platform.platform)}`}
        >
          <div className="min-w-0 text-sm">
            <p className="font-mono break-all">{platform.tags.join(', ')}</p>
            <p className="font-mono text-xs text-muted" title={platform.imageId}>
              {platform.imageId.slice(0, 12)}
            </p>
          </div>
          {runImage(tag, platform.platform)}
        </div>
      )}
      <OutputPane
        store={store}
        platform={platform.platform}
        ended={build.state !== 'running' && streamEnded}
      />
    </div>
  );
}

/** One build, followed live: per platform its state, output and image. */
export function BuildView({ snapshot, runImage }: { snapshot: BuildJob; runImage: RunImage }) {
  const { job, output, connection } = useBuildProgress(snapshot);
  const cancel = useCancelBuild();
  const [tab, setTab] = useState(job.platforms[0]!.platform);
  const built = job.platforms.filter((p) => p.state === 'succeeded' && p.imageId);
  const publish = new URLSearchParams({
    name: job.tag,
    images: built.map((p) => p.imageId!).join(','),
  });
  const when = job.finishedAt ?? job.startedAt;

  return (
    <section
      aria-label={`Build of ${job.tag}`}
      data-testid="build-view"
      className="space-y-4 rounded-xl border border-line bg-surface px-5 py-4 shadow-xs"
    >
      <header className="flex flex-wrap items-center gap-x-3 gap-y-2">
        <h2 className="min-w-0 font-mono text-sm font-semibold break-all">{job.tag}</h2>
        <JobStateBadge state={job.state} data-testid="build-state" />
        <time dateTime={when} title={formatDateTime(when)} className="text-xs text-subtle">
          {job.state === 'running' ? 'started ' : ''}
          {formatRelativeTime(when)}
        </time>
        <span className="ml-auto flex flex-wrap gap-2">
          {job.state === 'running' && (
            <Button
              size="sm"
              icon={<X aria-hidden />}
              busy={cancel.isPending}
              onClick={() => cancel.mutate(job.id)}
              data-testid="build-cancel"
            >
              Cancel build
            </Button>
          )}
          {job.state !== 'running' && built.length > 0 && (
            <Link
              to={`/manifests?${publish}`}
              data-testid="build-publish"
              className="inline-flex items-center gap-1.5 rounded-md border border-line bg-surface px-2 py-1 text-xs font-medium shadow-xs hover:bg-sunken focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500"
            >
              <ListTree aria-hidden className="size-3.5" />
              Publish as a manifest list
            </Link>
          )}
        </span>
      </header>
      <p className="text-xs text-muted">
        <span className="font-mono">{job.file}</span>
        {job.target && (
          <>
            {' '}
            · target <span className="font-mono">{job.target}</span>
          </>
        )}{' '}
        · pull {job.pull}
        {job.noCache && ' · no cache'}
      </p>
      {cancel.isError && <ErrorNotice title="Could not cancel the build" error={cancel.error} />}
      {job.cacheOff && (
        <Callout tone="warning" title="Layer cache off" description={job.cacheOff} />
      )}
      {job.state === 'interrupted' && job.error && (
        <ErrorNotice title="The build was interrupted" error={job.error} />
      )}
      <Tabs
        label="Platforms"
        selected={job.platforms.some((p) => p.platform === tab) ? tab : job.platforms[0]!.platform}
        onSelect={setTab}
        tabs={job.platforms.map((p) => ({
          id: p.platform,
          label: p.platform,
          count: p.state,
          panel: (
            <PlatformPanel
              build={job}
              platform={p}
              store={output}
              streamEnded={connection === 'closed'}
              runImage={runImage}
            />
          ),
        }))}
      />
      {job.platforms.some((p) => p.run === 'emulated') && job.state === 'running' && (
        <p className="text-xs text-muted">
          <Badge tone="neutral">emulated</Badge> RUN steps run through qemu-user: slower than
          natively, the same result.
        </p>
      )}
    </section>
  );
}
