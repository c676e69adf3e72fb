import { useState } from 'react';
import type { RegistriesView, RegistryLoginResult } from '@archdeck/shared';
import { CircleCheck, FileText, LogIn, TextSearch, Warehouse } from 'lucide-react';
import { Button } from '@/components/button';
import { Card } from '@/components/card';
import { EmptyState } from '@/components/empty-state';
import { ErrorNotice } from '@/components/error-notice';
import { PageHeader } from '@/components/page-header';
import { Skeleton } from '@/components/spinner';
import { useRegistries } from '../api/get-registries';
import { LoginDialog } from './login-dialog';
import { RegistryList } from './registry-list';

const AUTH_FILES_HELPER = 'containers-auth.json';

/** How a short name such as "ubuntu" becomes a full name, as podman resolves it. */
function ShortNames({ view }: { view: RegistriesView }) {
  return (
    <Card title="Short names" icon={<TextSearch />}>
      <div className="space-y-2 text-sm">
        <p>
          A name without a registry (<span className="font-mono">ubuntu</span>) takes its alias
          first: {view.aliases} {view.aliases === 1 ? 'alias is' : 'aliases are'} configured.
        </p>
        {view.unqualifiedSearchRegistries.length === 0 ? (
          <p className="text-muted">
            Without an alias it cannot be resolved: no unqualified-search-registries are set.
          </p>
        ) : (
          <p>
            Without one, it is looked for in{' '}
            {view.unqualifiedSearchRegistries.map((r, i) => (
              <span key={r}>
                {i > 0 && ', then '}
                <span className="font-mono">{r}</span>
              </span>
            ))}{' '}
            <span className="text-muted">
              (short-name-mode {view.shortNameMode}
              {view.searchSource && <>, set in {view.searchSource}</>})
            </span>
            .
          </p>
        )}
      </div>
    </Card>
  );
}

function Files({ view }: { view: RegistriesView }) {
  return (
    <Card title="Configuration read" icon={<FileText />}>
      <div className="space-y-3 text-sm">
        {view.files.length === 0 ? (
          <p className="text-muted">No registries.conf or drop-in exists: podman's defaults.</p>
        ) : (
          <ol className="space-y-0.5 font-mono text-xs break-all" data-testid="registries-files">
            {view.files.map((file) => (
              <li key={file}>{file}</li>
            ))}
          </ol>
        )}
        <p className="text-muted">
          Logins are stored in <span className="font-mono break-all">{view.authFile}</span>. podman
          reads registries.conf when its service starts: restart it after a change.
        </p>
        {!view.credentialHelpers.includes(AUTH_FILES_HELPER) && (
          <p className="text-amber-800 dark:text-amber-300">
            registries.conf sets credential-helpers = [{view.credentialHelpers.join(', ')}]: podman
            does not read auth files then, and archdeck runs no credential helpers.
          </p>
        )}
      </div>
    </Card>
  );
}

/**
 * The registries as podman reads them: registries.conf and its drop-ins, and the logins of
 * the auth files, with a login form. Settings are changed in the files, not here.
 */
export function RegistriesPage() {
  const registries = useRegistries();
  const [loginFor, setLoginFor] = useState<string | null>(null);
  const [done, setDone] = useState<RegistryLoginResult | null>(null);
  const view = registries.data;

  return (
    <div className="space-y-8">
      <title>Registries · archdeck</title>
      <PageHeader
        title="Registries"
        count={view?.registries.length}
        description="Registries as podman configures them: registries.conf and its drop-ins mark them insecure or blocked, add mirrors and rewrite locations. Log in here to pull private images."
        action={
          <Button
            variant="primary"
            icon={<LogIn aria-hidden />}
            onClick={() => setLoginFor('')}
            data-testid="registry-login-open"
          >
            Log in
          </Button>
        }
      />

      {done && (
        <div
          role="status"
          data-testid="registry-login-done"
          className="flex gap-3 rounded-lg border border-emerald-500/30 bg-emerald-500/5 px-4 py-3 text-sm"
        >
          <CircleCheck
            aria-hidden
            className="mt-0.5 size-4 shrink-0 text-emerald-600 dark:text-emerald-400"
          />
          <p>
            Logged in to <span className="font-mono">{done.registry}</span> as{' '}
            <span className="font-medium">{done.username}</span>; stored in{' '}
            <span className="font-mono break-all">{done.authFile}</span>.
            {!done.checked &&
              ' The registry asked for no login, so the password could not be checked.'}
          </p>
        </div>
      )}

      {registries.isPending ? (
        <div role="status" aria-label="Loading registries" className="space-y-3">
          <Skeleton className="h-48" />
        </div>
      ) : !view ? (
        <ErrorNotice
          title="Could not read the registry configuration"
          error={registries.error}
          onRetry={() => void registries.refetch()}
        />
      ) : (
        <>
          {view.registries.length === 0 ? (
            <EmptyState icon={<Warehouse />} title="No registry is configured">
              Names are pulled from the registry they name. Add [[registry]] tables in a drop-in
              such as /etc/containers/registries.conf.d/50-local.conf to mark one insecure, block
              one or give it mirrors.
            </EmptyState>
          ) : (
            <RegistryList registries={view.registries} onLogin={setLoginFor} />
          )}
          <div className="grid items-start gap-6 lg:grid-cols-2">
            <ShortNames view={view} />
            <Files view={view} />
          </div>
        </>
      )}

      {loginFor !== null && (
        <LoginDialog
          registry={loginFor}
          authFile={view?.authFile ?? 'the auth file podman reads'}
          onClose={() => setLoginFor(null)}
          onDone={(result) => {
            setDone(result);
            setLoginFor(null);
          }}
        />
      )}
    </div>
  );
}
