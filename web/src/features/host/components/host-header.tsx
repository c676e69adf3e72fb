import type { HostInfo, Problem } from '@archdeck/shared';
import { StatusDot, type Tone } from '@/components/badge';

function overall(problems: Problem[]): { tone: Tone; summary: string } {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const parts = [
    errors > 0 && `${errors} ${errors === 1 ? 'error' : 'errors'}`,
    warnings > 0 && `${warnings} ${warnings === 1 ? 'warning' : 'warnings'}`,
  ].filter(Boolean);
  if (errors > 0) return { tone: 'error', summary: parts.join(', ') };
  if (warnings > 0) return { tone: 'warning', summary: parts.join(', ') };
  return { tone: 'ok', summary: 'Healthy' };
}

export function HostHeader({ host, problems }: { host: HostInfo; problems: Problem[] }) {
  const { tone, summary } = overall(problems);
  return (
    <header className="flex flex-wrap items-end justify-between gap-x-10 gap-y-6">
      <div>
        <p className="text-xs font-medium tracking-wider text-subtle uppercase">
          Host architecture
        </p>
        <h1 className="mt-1 flex items-center gap-3 font-mono text-5xl font-semibold tracking-tight">
          <span data-testid="host-arch">{host.arch}</span>
          <StatusDot tone={tone} size="lg" label={`Host status: ${summary}`} />
        </h1>
        <p className="mt-2 text-sm text-muted">{summary}</p>
      </div>
      <dl className="flex flex-wrap gap-x-8 gap-y-3 text-sm">
        <div>
          <dt className="text-xs text-subtle">Machine</dt>
          <dd data-testid="host-machine" className="mt-0.5 font-mono">
            {host.machine}
          </dd>
        </div>
        <div>
          <dt className="text-xs text-subtle">Kernel</dt>
          <dd className="mt-0.5 font-mono">{host.kernel}</dd>
        </div>
        <div>
          <dt className="text-xs text-subtle">Hostname</dt>
          <dd className="mt-0.5 font-mono break-all">{host.hostname}</dd>
        </div>
      </dl>
    </header>
  );
}
