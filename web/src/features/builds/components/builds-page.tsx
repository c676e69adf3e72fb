import { useRef } from 'react';
import { useSearchParams } from 'react-router';
import type { BuildJob } from '@archdeck/shared';
import { Hammer, History } from 'lucide-react';
import { Card } from '@/components/card';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { JobStateBadge } from '@/components/job-state-badge';
import { PageHeader } from '@/components/page-header';
import { PlatformChips } from '@/components/platform-chip';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import { useBuilds } from '../api/get-builds';
import { BuildForm } from './build-form';
import { BuildView, type RunImage } from './build-view';

/** The build shown is in the address (`?build=<id>`): a reload or a link shows it again. */
function useShownBuild(): [string | null, (id: string) => void] {
  const [params, setParams] = useSearchParams();
  return [
    params.get('build'),
    (id) =>
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          next.set('build', id);
          return next;
        },
        { replace: true },
      ),
  ];
}

function RecentBuilds({
  builds,
  shown,
  onShow,
}: {
  builds: BuildJob[];
  shown: string | null;
  onShow: (id: string) => void;
}) {
  return (
    <Card title="Recent builds" icon={<History />} data-testid="builds-list">
      <ul className="divide-y divide-line">
        {builds.map((build) => {
          const when = build.finishedAt ?? build.startedAt;
          return (
            <li key={build.id} className="flex flex-wrap items-center gap-x-3 gap-y-1.5 py-2.5">
              <button
                type="button"
                onClick={() => onShow(build.id)}
                aria-current={build.id === shown || undefined}
                data-testid={`build-row-${build.id}`}
                className="min-w-0 rounded text-left font-mono text-[13px] font-medium break-all hover:underline focus-visible:outline-2 focus-visible:outline-zinc-500 aria-[current]:underline"
              >
                {build.tag}
              </button>
              <PlatformChips platforms={build.platforms.map((p) => p.platform)} />
              <JobStateBadge state={build.state} />
              <time
                dateTime={when}
                title={formatDateTime(when)}
                className="ml-auto text-xs text-subtle"
              >
                {formatRelativeTime(when)}
              </time>
            </li>
          );
        })}
      </ul>
    </Card>
  );
}

/**
 * Build a Containerfile for any platform this host can run: the form, the build shown (live
 * while it runs: each platform's output, then its image with a way to run it) and recent
 * builds, whichever tab started them. A build belongs to the daemon: closing the tab does not
 * stop it.
 */
export function BuildsPage({ runImage }: { runImage: RunImage }) {
  const builds = useBuilds();
  const [shownId, show] = useShownBuild();
  const heading = useRef<HTMLHeadingElement>(null);
  const list = builds.data ?? [];
  const shown = list.find((b) => b.id === shownId) ?? list.find((b) => b.state === 'running');

  return (
    <div className="space-y-8">
      <title>Build · archdeck</title>
      <PageHeader
        title="Build"
        count={builds.data && builds.data.length > 0 ? builds.data.length : undefined}
        description="Build a Containerfile for any platform this host runs: natively, or with its RUN steps through a qemu-user emulator. Each platform is its own podman build, tagged for its architecture."
        action={null}
        headingRef={heading}
      />
      <Card title="New build" icon={<Hammer />}>
        <BuildForm onStarted={(job) => show(job.id)} />
      </Card>

      {builds.isError && (
        <ErrorNotice
          title="Could not load the builds"
          error={builds.error}
          onRetry={() => void builds.refetch()}
        />
      )}
      {shown && <BuildView key={shown.id} snapshot={shown} runImage={runImage} />}
      {builds.data &&
        (list.length > 0 ? (
          <RecentBuilds builds={list} shown={shown?.id ?? null} onShow={show} />
        ) : (
          <EmptyState icon={<Hammer />} title="No builds yet">
            Choose a folder with a Containerfile above, pick platforms, and build. Builds keep
            running when you leave the page.
          </EmptyState>
        ))}
    </div>
  );
}
