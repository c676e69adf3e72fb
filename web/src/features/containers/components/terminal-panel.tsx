import { lazy, Suspense, useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Plug, SquareTerminal } from 'lucide-react';
import type { ContainerSummary } from '@archdeck/shared';
import { Button } from '@/components/button';
import { Card } from '@/components/card';
import { Spinner } from '@/components/spinner';
import type { SessionSpec, Shell } from './terminal-session';

const SHELLS: Shell[] = ['/bin/sh', '/bin/bash'];

const TerminalSession = lazy(() =>
  import('./terminal-session').then((module) => ({ default: module.TerminalSession })),
);

/**
 * A shell in a running container (exec), or its own TTY when it was started with one
 * (attach). Shown only while the container runs; leaving the page closes the session.
 */
export function TerminalPanel({ container }: { container: ContainerSummary }) {
  const [shell, setShell] = useState<Shell>('/bin/sh');
  const [params] = useSearchParams();
  // `?terminal=attach` (set when a TTY preset was launched) attaches at once.
  const [session, setSession] = useState<SessionSpec | null>(() =>
    params.get('terminal') === 'attach' && container.tty
      ? { key: 1, mode: 'attach', shell: '/bin/sh' }
      : null,
  );
  const shellId = useId();

  const open = (mode: SessionSpec['mode']) =>
    setSession((previous) => ({ key: (previous?.key ?? 0) + 1, mode, shell }));

  return (
    <Card title="Terminal" icon={<SquareTerminal />} data-testid="terminal-panel">
      <div className="space-y-3">
        <div className="flex flex-wrap items-end gap-2">
          <label htmlFor={shellId} className="text-sm">
            <span className="mr-2 text-muted">Shell</span>
            <select
              id={shellId}
              value={shell}
              onChange={(event) => setShell(event.target.value as Shell)}
              data-testid="terminal-shell"
              className="rounded-md border border-line bg-canvas px-2 py-1.5 font-mono text-sm outline-none focus:border-zinc-500 focus:ring-2 focus:ring-zinc-500/30"
            >
              {SHELLS.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          </label>
          <Button
            variant="primary"
            icon={<SquareTerminal aria-hidden />}
            onClick={() => open('exec')}
            data-testid="terminal-open"
          >
            Open shell
          </Button>
          {container.tty && (
            <Button
              icon={<Plug aria-hidden />}
              onClick={() => open('attach')}
              title="Attach to the container's own terminal"
              data-testid="terminal-attach"
            >
              Attach
            </Button>
          )}
        </div>
        {session && (
          <Suspense fallback={<Spinner label="Loading the terminal" />}>
            <TerminalSession
              key={session.key}
              containerId={container.id}
              spec={session}
              onClose={() => setSession(null)}
            />
          </Suspense>
        )}
      </div>
    </Card>
  );
}
