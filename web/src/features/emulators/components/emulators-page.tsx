import { useState } from 'react';
import { CircleCheck, Cpu, ListPlus, Plus } from 'lucide-react';
import { Button } from '@/components/button';
import { Card } from '@/components/card';
import { ErrorNotice } from '@/components/error-notice';
import { Skeleton } from '@/components/spinner';
import { emulatorChanges, useEmulatorChange } from '../api/change-emulators';
import { useEmulators } from '../api/get-emulators';
import { ActionError } from './action-error';
import { EmulatorSections } from './emulator-sections';
import { EmulatorsHeader } from './emulators-header';
import { lockReason } from './labels';
import { PlatformSummary } from './platform-summary';
import { RegisterAllResult } from './register-all-result';
import { RegisterDialog } from './register-dialog';

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

      <EmulatorSections
        emulators={data}
        lockReason={locked}
        registerAllButton={registerAllButton('primary')}
      />

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
