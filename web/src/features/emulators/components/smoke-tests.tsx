import {
  parsePlatform,
  type Emulators,
  type PlatformSummary,
  type SmokeTestResult,
} from '@archdeck/shared';
import { ChevronRight, FlaskConical, ListChecks, Play } from 'lucide-react';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { Card } from '@/components/card';
import { PlatformChip } from '@/components/platform-chip';
import { formatDateTime, formatRelativeTime } from '@/lib/format';
import { useTestAllEmulators } from '../api/test-all-emulators';
import { useTestEmulator } from '../api/test-emulator';
import { ActionError } from './action-error';
import { platformStateBadge } from './labels';

/** Where the daemon looks for probes: archdeck ships them, so only another directory lacks them. */
const PROBES_DIR = "the daemon's probes directory (--probes-dir)";

/** `linux/arm64` → `arm64`: the key the smoke-test API and its results use. */
const archOf = (platform: string) => parsePlatform(platform).arch;

const formatDuration = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/** Platforms "Test all" covers: the ones that should run in containers now. */
const expectedToRun = (p: PlatformSummary) => p.state === 'native' || p.state === 'container-ready';

function Result({ arch, result }: { arch: string; result: SmokeTestResult | undefined }) {
  return (
    <div data-testid={`emulator-test-result-${arch}`} aria-live="polite" className="min-w-0">
      {result ? (
        <>
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
            <Badge tone={result.passed ? 'ok' : 'error'}>
              {result.passed ? 'Passed' : 'Failed'}
            </Badge>
            <span className="text-muted tabular-nums">{formatDuration(result.durationMs)}</span>
            <time
              dateTime={result.testedAt}
              title={formatDateTime(result.testedAt)}
              className="text-xs text-subtle"
            >
              {formatRelativeTime(result.testedAt)}
            </time>
          </p>
          {result.failure && (
            <p className="mt-1.5 text-sm break-words text-red-700 dark:text-red-400">
              {result.failure}
            </p>
          )}
          {result.output && (
            <pre className="mt-1.5 overflow-x-auto rounded-md bg-sunken px-2.5 py-1.5 font-mono text-xs whitespace-pre-wrap text-muted">
              {result.output}
            </pre>
          )}
        </>
      ) : (
        <p className="text-sm text-subtle italic">Not tested since the daemon started</p>
      )}
    </div>
  );
}

function SmokeTestRow({
  summary,
  hasProbe,
  result,
  testingAll,
}: {
  summary: PlatformSummary;
  hasProbe: boolean;
  result: SmokeTestResult | undefined;
  /** "Test all" is running and will test this platform. */
  testingAll: boolean;
}) {
  const test = useTestEmulator();
  const arch = archOf(summary.platform);
  const state = platformStateBadge[summary.state];
  return (
    <li className="grid gap-x-4 gap-y-2 py-3 first:pt-0 last:pb-0 sm:grid-cols-[11rem_minmax(0,1fr)_auto]">
      <div className="flex flex-wrap items-center gap-2 self-start">
        <PlatformChip platform={summary.platform} />
        <Badge tone={state.tone}>{state.label}</Badge>
      </div>
      <Result arch={arch} result={result} />
      <div className="self-start">
        <Button
          size="sm"
          icon={<Play aria-hidden />}
          busy={test.isPending || testingAll}
          disabledReason={hasProbe ? null : `No probe for it in ${PROBES_DIR}`}
          onClick={() => {
            test.reset();
            test.mutate(arch);
          }}
          aria-label={`Test ${summary.platform}`}
          data-testid={`emulator-test-${arch}`}
        >
          Test
        </Button>
      </div>
      {test.isError && (
        <div className="sm:col-span-3">
          <ActionError title={`Could not test ${summary.platform}`} error={test.error} />
        </div>
      )}
    </li>
  );
}

function SmokeTestList({
  rows,
  probes,
  results,
  testingAll,
  covered,
}: {
  rows: PlatformSummary[];
  probes: Set<string>;
  results: Record<string, SmokeTestResult>;
  testingAll: boolean;
  covered: Set<string>;
}) {
  return (
    <ul className="divide-y divide-line">
      {rows.map((p) => {
        const arch = archOf(p.platform);
        return (
          <SmokeTestRow
            key={p.platform}
            summary={p}
            hasProbe={probes.has(arch)}
            result={results[arch]}
            testingAll={testingAll && covered.has(arch)}
          />
        );
      })}
    </ul>
  );
}

/**
 * Proof that a platform really runs: a tiny static probe in a FROM-scratch container, with
 * the last result per platform as the daemon keeps it.
 */
export function SmokeTests({ emulators }: { emulators: Emulators }) {
  const testAll = useTestAllEmulators();
  const smoke = emulators.smokeTests;
  if (!smoke) return null;

  const probes = new Set(smoke.probes);
  // Platforms with a handler or a probe: a probe for a platform without a handler shows the
  // failure a container for it would meet.
  const rows = emulators.platforms.filter(
    (p) => p.state !== 'none' || probes.has(archOf(p.platform)),
  );
  const covered = new Set(
    rows
      .filter((p) => expectedToRun(p) && probes.has(archOf(p.platform)))
      .map((p) => archOf(p.platform)),
  );

  const unhandled = rows.filter((p) => p.state === 'none');
  const listProps = { probes, results: smoke.results, testingAll: testAll.isPending, covered };

  return (
    <Card
      title="Smoke tests"
      icon={<FlaskConical />}
      data-testid="emulators-smoke-tests"
      aside={
        <Button
          size="sm"
          icon={<ListChecks aria-hidden />}
          busy={testAll.isPending}
          disabledReason={
            covered.size === 0 ? `No probe in ${PROBES_DIR} for a platform that should run` : null
          }
          onClick={() => {
            testAll.reset();
            testAll.mutate();
          }}
          data-testid="emulators-test-all"
        >
          Test all
        </Button>
      }
    >
      <div className="space-y-4">
        <p className="text-sm text-muted">
          Runs a tiny static probe in a FROM-scratch container for the platform. A pass means
          podman, binfmt_misc and the emulator all work together; “Test all” covers the native and
          container-ready platforms.
        </p>
        {testAll.isError && (
          <ActionError title="Could not run the smoke tests" error={testAll.error} />
        )}
        {rows.length === 0 ? (
          <p className="text-sm text-subtle italic">
            No platform to test: no probe in {PROBES_DIR}.
          </p>
        ) : (
          <>
            <SmokeTestList rows={rows.filter((p) => p.state !== 'none')} {...listProps} />
            {unhandled.length > 0 && (
              // What a test of these shows is known (exec format error), so they wait folded.
              <details className="group" data-testid="smoke-tests-unhandled">
                <summary className="inline-flex cursor-pointer items-center gap-1 rounded text-xs font-medium text-muted select-none hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500 [&::-webkit-details-marker]:hidden">
                  <ChevronRight
                    aria-hidden
                    className="size-3.5 transition-transform group-open:rotate-90"
                  />
                  With no emulator ({unhandled.length}):{' '}
                  {unhandled.map((p) => archOf(p.platform)).join(', ')}
                </summary>
                <SmokeTestList rows={unhandled} {...listProps} />
              </details>
            )}
          </>
        )}
      </div>
    </Card>
  );
}
