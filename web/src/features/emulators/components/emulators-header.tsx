import type { ReactNode } from 'react';
import type { Emulators } from '@archdeck/shared';
import { Lock } from 'lucide-react';
import { Badge, type Tone } from '@/components/badge';
import { Button } from '@/components/button';
import { Callout } from '@/components/callout';
import { CodeBlock } from '@/components/code-block';
import { emulatorChanges, useEmulatorChange } from '../api/change-emulators';
import { ActionError } from './action-error';

function enabledChip(enabled: boolean | null): { tone: Tone; label: string } {
  if (enabled === null) return { tone: 'neutral', label: 'Global switch unknown' };
  return enabled
    ? { tone: 'ok', label: 'Globally enabled' }
    : { tone: 'warning', label: 'Globally disabled' };
}

/** The page title, the kernel's state, and what stands in the way of changing it. */
export function EmulatorsHeader({
  emulators,
  actions,
}: {
  emulators: Emulators;
  actions: ReactNode;
}) {
  const mount = useEmulatorChange(emulatorChanges.mount);
  const enabled = enabledChip(emulators.globallyEnabled);
  const mountCommand = `mount -t binfmt_misc binfmt_misc ${emulators.root}`;

  return (
    <div className="space-y-4">
      <header className="flex flex-wrap items-start justify-between gap-x-8 gap-y-4">
        <div className="max-w-xl min-w-0">
          <div className="flex flex-wrap items-center gap-x-3 gap-y-2">
            <h1 className="text-2xl font-semibold tracking-tight">Emulators</h1>
            <Badge
              tone={emulators.mounted ? 'ok' : 'error'}
              data-testid="emulators-mounted"
              title={emulators.root}
            >
              {emulators.mounted ? 'Mounted' : 'Not mounted'}
            </Badge>
            {emulators.mounted && (
              <Badge tone={enabled.tone} data-testid="emulators-enabled">
                {enabled.label}
              </Badge>
            )}
          </div>
          <p className="mt-2 text-sm text-muted">
            Linux’s binfmt_misc hands each binary the CPU cannot run to the interpreter registered
            for its header; qemu-user then translates it, so{' '}
            <span className="font-mono text-fg">{emulators.hostPlatform}</span> can run images built
            for other architectures.
          </p>
        </div>
        <div className="flex flex-wrap gap-2">{actions}</div>
      </header>

      {!emulators.canChange && (
        <div
          data-testid="emulators-read-only"
          className="flex gap-3 rounded-lg border border-line bg-surface px-4 py-3 text-sm"
        >
          <Lock aria-hidden className="mt-0.5 size-4 shrink-0 text-subtle" />
          <p>
            <span className="font-medium">Read-only.</span>{' '}
            <span className="text-muted">
              Changes to binfmt_misc and /etc/binfmt.d need root, and the daemon is not running as
              root. Start archdeck as root to register, enable, persist or remove emulators here.
            </span>
          </p>
        </div>
      )}

      {!emulators.mounted && (
        <Callout
          tone="error"
          title="binfmt_misc is not mounted"
          description="Without it the kernel has nowhere to look up emulators: every binary for another architecture fails with “exec format error”."
          data-testid="emulators-not-mounted"
          action={
            emulators.canChange && (
              <Button
                variant="primary"
                busy={mount.isPending}
                onClick={() => mount.mutate()}
                data-testid="emulators-mount"
              >
                Mount binfmt_misc
              </Button>
            )
          }
        >
          <div>
            <p className="mb-1.5 text-xs font-medium tracking-wider text-subtle uppercase">
              {emulators.canChange ? 'Or run as root' : 'Run as root'}
            </p>
            <CodeBlock code={mountCommand} />
          </div>
          {mount.isError && <ActionError title="Could not mount binfmt_misc" error={mount.error} />}
        </Callout>
      )}

      {emulators.mounted && emulators.globallyEnabled === false && (
        <Callout
          tone="warning"
          title="binfmt_misc is switched off"
          description="The kernel ignores every handler below until the global switch is on again."
          data-testid="emulators-globally-disabled"
        >
          <CodeBlock code={`echo 1 > ${emulators.root}/status`} />
        </Callout>
      )}
    </div>
  );
}
