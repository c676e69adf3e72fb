import { useId } from 'react';
import type { Problem, ProblemAction } from '@archdeck/shared';
import { CircleCheck, Wrench } from 'lucide-react';
import { Badge, Count } from '@/components/badge';
import { Button } from '@/components/button';
import { calloutEdgeClass } from '@/components/callout';
import { CodeBlock } from '@/components/code-block';
import { ErrorNotice } from '@/components/error-notice';
import { problemActions, useFixProblem } from '../api/fix-problem';

/** The fix as one click, when the daemon can apply it itself. */
function FixButton({ action }: { action: ProblemAction }) {
  const fix = useFixProblem();
  return (
    <div className="mt-3 space-y-2">
      <Button
        variant="primary"
        icon={<Wrench aria-hidden />}
        busy={fix.isPending}
        onClick={() => fix.mutate(action)}
        data-testid={`fix-${action}`}
      >
        {problemActions[action].label}
      </Button>
      {fix.isError && (
        <ErrorNotice
          title={`Could not ${problemActions[action].label.toLowerCase()}`}
          error={fix.error}
        />
      )}
    </div>
  );
}

const severityRank: Record<Problem['severity'], number> = { error: 0, warning: 1 };

export function ProblemList({ problems }: { problems: Problem[] }) {
  const headingId = useId();
  const sorted = [...problems].sort((a, b) => severityRank[a.severity] - severityRank[b.severity]);

  return (
    <section aria-labelledby={headingId} className="space-y-3">
      <h2 id={headingId} className="flex items-center gap-2 text-sm font-semibold">
        Problems
        {problems.length > 0 && <Count>{problems.length}</Count>}
      </h2>

      {sorted.length === 0 ? (
        <div
          data-testid="host-healthy"
          className="flex items-center gap-3 rounded-xl border border-emerald-500/30 bg-emerald-500/5 px-5 py-4"
        >
          <CircleCheck
            aria-hidden
            className="size-5 shrink-0 text-emerald-600 dark:text-emerald-400"
          />
          <div>
            <p className="font-medium text-emerald-800 dark:text-emerald-300">
              Everything looks healthy
            </p>
            <p className="text-sm text-muted">
              No problems found with podman or binfmt_misc on this host.
            </p>
          </div>
        </div>
      ) : (
        <ul className="space-y-3">
          {sorted.map((problem) => (
            <li
              key={problem.id}
              data-testid={`problem-${problem.id}`}
              className={calloutEdgeClass(problem.severity)}
            >
              <div className="flex items-start gap-3">
                <Badge tone={problem.severity}>
                  {problem.severity === 'error' ? 'Error' : 'Warning'}
                </Badge>
                <p className="min-w-0 flex-1 text-sm break-words">{problem.message}</p>
              </div>
              {problem.action && <FixButton action={problem.action} />}
              <div className="mt-3">
                <p className="mb-1.5 text-xs font-medium tracking-wider text-subtle uppercase">
                  {problem.action ? 'Or by hand' : 'Fix'}
                </p>
                <CodeBlock code={problem.fix} label="Copy fix" />
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
