import { useId, useState } from 'react';
import { CircleCheck, Cpu, ListPlus, Plus } from 'lucide-react';
import { Count } from '@/components/badge';
import { Button } from '@/components/button';
import { Card } from '@/components/card';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { Skeleton } from '@/components/spinner';
import { emulatorChanges, useEmulatorChange } from '../api/change-emulators';
import { useEmulators } from '../api/get-emulators';
import { ActionError } from './action-error';
import { ElfInspector } from './elf-inspector';
import { EmulatorCard } from './emulator-card';
import { EmulatorsHeader } from './emulators-header';
import { lockReason } from './labels';
import { PersistedOnlyList } from './persisted-only-list';
import { PlatformSummary } from './platform-summary';
import { RegisterAllResult } from './register-all-result';
import { RegisterDialog } from './register-dialog';
import { SmokeTests } from './smoke-tests';

function EmulatorsSkeleton() {
  return (
    <div role="status" aria-label="Loading emulators" className="space-y-6">
      <div className="space-y-3">
        <Skeleton className="h-8 w-40" />
        <Skeleton className="h-4 w-full max-w-xl" />
      </div>
      <Skeleton className="h-24" />
      <Skeleton className="h-44" />
      <Skeleton className="h-44" />
    </div>
  );
}

export function EmulatorsPage() {
  const emulators = useEmulators();
  const registerAll = useEmulatorChange(emulatorChanges.registerAll);
  const [registering, setRegistering] = useState(false);
  const [registered, setRegistered] = useState<string | null>(null);
  const entriesHeadingId = useId();

  if (emulators.isPending) {
    return (
      <>
        <title>Emulators · archdeck</title>
        <EmulatorsSkeleton />
      </>
    );
  }
  if (!emulators.data) {
    return (
      <>
        <title>Emulators · archdeck</title>
        <ErrorNotice
          title="Could not load the emulators"
          error={emulators.error}
          onRetry={() => void emulators.refetch()}
        />
      </>
    );
  }

  const data = emulators.data;
  const locked = lockReason(data);
  const startRegisterAll = () => {
    setRegistered(null);
    registerAll.mutate();
  };
  const registerAllButton = (variant: 'secondary' | 'primary') => (
    <Button
      variant={variant}
      icon={<ListPlus aria-hidden />}
      busy={registerAll.isPending}
      disabledReason={locked}
      onClick={startRegisterAll}
      data-testid="register-all"
    >
      Register all available
    </Button>
  );

  return (
    <div className="space-y-8">
      <title>Emulators · archdeck</title>
      {emulators.isError && (
        <ErrorNotice
          title="Could not refresh; showing the last known state"
          error={emulators.error}
          onRetry={() => void emulators.refetch()}
        />
      )}

      <div className="space-y-3">
        <EmulatorsHeader
          emulators={data}
          actions={
            <>
              {data.entries.length > 0 && registerAllButton('secondary')}
              <Button
                variant="primary"
                icon={<Plus aria-hidden />}
                disabledReason={locked}
                onClick={() => {
                  registerAll.reset();
                  setRegistered(null);
                  setRegistering(true);
                }}
                data-testid="register-open"
              >
                Register…
              </Button>
            </>
          }
        />
        {registerAll.isError && (
          <ActionError
            title="Could not register the available emulators"
            error={registerAll.error}
          />
        )}
        {registerAll.isSuccess && (
          <RegisterAllResult result={registerAll.data} onDismiss={() => registerAll.reset()} />
        )}
        {registered && (
          <p
            role="status"
            data-testid="register-success"
            className="flex items-center gap-2 text-sm text-emerald-800 dark:text-emerald-300"
          >
            <CircleCheck aria-hidden className="size-4" />
            Registered <span className="font-mono">{registered}</span>.
          </p>
        )}
      </div>

      <Card title="What this host can run" icon={<Cpu />} data-testid="emulators-summary">
        <PlatformSummary summary={data.summary} />
      </Card>

      <SmokeTests emulators={data} />

      <section aria-labelledby={entriesHeadingId} className="space-y-3">
        <h2 id={entriesHeadingId} className="flex items-center gap-2 text-sm font-semibold">
          Registered in the kernel
          <Count>{data.entries.length}</Count>
        </h2>
        {data.entries.length === 0 ? (
          <EmptyState icon={<Cpu />} title="No emulators registered">
            <p>
              {data.mounted
                ? 'The kernel has no handler for foreign binaries, so containers for other architectures fail with “exec format error”. Register the qemu-user interpreters installed on this host to run them.'
                : 'Mount binfmt_misc first; then register the qemu-user interpreters installed on this host.'}
            </p>
            <div className="mt-4 flex justify-center">{registerAllButton('primary')}</div>
          </EmptyState>
        ) : (
          <ul className="space-y-3">
            {data.entries.map((entry) => (
              <li key={entry.name}>
                <EmulatorCard entry={entry} lockReason={locked} />
              </li>
            ))}
          </ul>
        )}
      </section>

      {data.persistedOnly.length > 0 && <PersistedOnlyList entries={data.persistedOnly} />}

      <ElfInspector entries={data.entries} />

      {registering && (
        <RegisterDialog
          emulators={data}
          onClose={() => setRegistering(false)}
          onRegistered={(name) => {
            setRegistering(false);
            setRegistered(name);
          }}
        />
      )}
    </div>
  );
}
