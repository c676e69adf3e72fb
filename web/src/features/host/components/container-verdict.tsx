import clsx from 'clsx';
import type { ContainerCheck } from '@archdeck/shared';
import { CircleAlert, CircleCheck, CircleHelp, LoaderCircle } from 'lucide-react';
import { CodeBlock } from '@/components/code-block';
import { formatRelativeTime } from '@/lib/format';

const looks = {
  yes: {
    icon: CircleCheck,
    title: 'Containers can start here',
    frame: 'border-emerald-500/30 bg-emerald-500/5',
    tint: 'text-emerald-600 dark:text-emerald-400',
  },
  no: {
    icon: CircleAlert,
    title: 'Containers cannot start here',
    frame: 'border-red-500/40 bg-red-500/5',
    tint: 'text-red-600 dark:text-red-400',
  },
  checking: {
    icon: LoaderCircle,
    title: 'Checking that containers can start…',
    frame: 'border-line bg-surface',
    tint: 'text-muted animate-spin',
  },
  unknown: {
    icon: CircleHelp,
    title: 'Not known yet whether containers can start',
    frame: 'border-line bg-surface',
    tint: 'text-muted',
  },
} as const;

/**
 * The first thing the Host page says: whether podman can start a container here at all,
 * proved by the daemon running a tiny probe container after it connected; when it cannot,
 * podman's own words and the fix.
 */
export function ContainerVerdict({ check }: { check: ContainerCheck }) {
  const look = looks[check.canStart];
  const Icon = look.icon;
  return (
    <section
      aria-live="polite"
      data-testid="container-verdict"
      data-verdict={check.canStart}
      className={clsx('rounded-xl border px-5 py-4', look.frame)}
    >
      <div className="flex items-start gap-3">
        <Icon aria-hidden className={clsx('mt-0.5 size-5 shrink-0', look.tint)} />
        <div className="min-w-0 flex-1 space-y-1">
          <h2 className="font-semibold">{look.title}</h2>
          <p className="text-sm text-muted">
            {check.canStart === 'yes' &&
              `A probe container ran through podman${check.checkedAt ? ` ${formatRelativeTime(check.checkedAt)}` : ''}.`}
            {check.canStart === 'checking' &&
              'archdeck is running a tiny probe container through podman.'}
            {check.canStart === 'unknown' &&
              'archdeck checks by running a probe container once it reaches podman.'}
            {check.canStart === 'no' && 'A probe container failed to start. podman said:'}
          </p>
          {check.canStart === 'no' && (
            <div className="space-y-3 pt-1">
              <pre
                data-testid="container-verdict-error"
                className="overflow-x-auto rounded-md bg-sunken px-3 py-2 font-mono text-xs whitespace-pre-wrap break-words text-fg"
              >
                {check.error}
              </pre>
              {check.fix && (
                <div>
                  <p className="mb-1.5 text-xs font-medium tracking-wider text-subtle uppercase">
                    Fix
                  </p>
                  <CodeBlock code={check.fix} label="Copy fix" />
                </div>
              )}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
