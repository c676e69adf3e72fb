import type { RegistryView } from '@archdeck/shared';
import { ArrowRight, LogIn, LogOut } from 'lucide-react';
import { Badge } from '@/components/badge';
import { Button } from '@/components/button';
import { columnFrom, columnWidths, DataTable, stackedRow } from '@/components/data-table';
import { ErrorNotice } from '@/components/error-notice';
import { useRegistryLogout } from '../api/logout';

const from = columnWidths({ mirrors: '2xl', login: 'md' });

const columns = [
  { label: 'Registry' },
  { label: 'Mirrors, tried first', from: from.mirrors },
  { label: 'Login', from: from.login },
];

/** The host[:port] a login is for: a prefix's first part; none for a wildcard. */
export const loginHost = (prefix: string): string | null =>
  prefix.startsWith('*.') ? null : prefix.split('/')[0]!;

function Mirrors({ registry }: { registry: RegistryView }) {
  if (registry.mirrors.length === 0) return <span className="text-subtle">none</span>;
  return (
    <ol className="space-y-0.5">
      {registry.mirrors.map((m) => (
        <li key={m.location} className="flex flex-wrap items-center gap-1.5">
          <span className="font-mono break-all">{m.location}</span>
          {m.insecure && <Badge tone="warning">insecure</Badge>}
          {m.pullFromMirror !== 'all' && <Badge tone="neutral">{m.pullFromMirror}</Badge>}
        </li>
      ))}
      {registry.mirrorByDigestOnly && (
        <li className="text-xs text-subtle">only for pulls by digest</li>
      )}
    </ol>
  );
}

function Login({ registry }: { registry: RegistryView }) {
  if (!registry.login) return <span className="text-subtle">not logged in</span>;
  return (
    <span>
      <span className="font-medium">{registry.login.username}</span>{' '}
      <span className="text-xs break-all text-subtle">in {registry.login.file}</span>
    </span>
  );
}

function RegistryRow({
  registry,
  onLogin,
}: {
  registry: RegistryView;
  onLogin: (host: string) => void;
}) {
  const logout = useRegistryLogout();
  const host = loginHost(registry.prefix);
  const rewritten = registry.location !== registry.prefix && registry.location !== '';
  return (
    <>
      <tr data-testid={`registry-row-${registry.prefix}`} className={stackedRow.row}>
        <td className={`px-4 py-3 align-top ${stackedRow.head}`}>
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span className="font-mono font-medium break-all">{registry.prefix}</span>
            {rewritten && (
              <span className="flex items-center gap-1 text-muted" title="Pulled from">
                <ArrowRight aria-label="pulled from" className="size-3.5" />
                <span className="font-mono break-all">{registry.location}</span>
              </span>
            )}
            {registry.insecure && (
              <Badge tone="warning" title="HTTPS without checking the certificate, or plain HTTP">
                insecure
              </Badge>
            )}
            {registry.blocked && (
              <Badge tone="error" title="podman refuses to pull from it">
                blocked
              </Badge>
            )}
          </div>
          <p className="mt-1 text-xs break-all text-subtle">
            {registry.source ?? 'only in an auth file: no registries.conf settings'}
          </p>
          <div className={`mt-2 space-y-1 text-sm ${columnFrom[from.login].inline}`}>
            <Login registry={registry} />
          </div>
          <div className={`mt-2 text-sm ${columnFrom[from.mirrors].inline}`}>
            {registry.mirrors.length > 0 && <Mirrors registry={registry} />}
          </div>
        </td>
        <td className={`px-4 py-3 align-top ${columnFrom[from.mirrors].cell} ${stackedRow.cell}`}>
          <Mirrors registry={registry} />
        </td>
        <td className={`px-4 py-3 align-top ${columnFrom[from.login].cell} ${stackedRow.cell}`}>
          <Login registry={registry} />
        </td>
        <td className={`px-2 py-3 text-right align-top whitespace-nowrap ${stackedRow.cell}`}>
          {registry.login?.removable ? (
            <Button
              size="sm"
              variant="ghost"
              icon={<LogOut aria-hidden />}
              busy={logout.isPending}
              onClick={() => logout.mutate(host ?? registry.prefix)}
              data-testid={`registry-logout-${registry.prefix}`}
            >
              Log out
            </Button>
          ) : (
            host &&
            !registry.blocked && (
              <Button
                size="sm"
                variant="ghost"
                icon={<LogIn aria-hidden />}
                onClick={() => onLogin(host)}
                data-testid={`registry-login-${registry.prefix}`}
              >
                Log in
              </Button>
            )
          )}
        </td>
      </tr>
      {logout.isError && (
        <tr className={stackedRow.plain}>
          <td colSpan={4} className={`px-4 pb-3 ${stackedRow.plain}`}>
            <ErrorNotice title={`Could not log out of ${host}`} error={logout.error} />
          </td>
        </tr>
      )}
    </>
  );
}

/** The registries.conf tables and the registries only an auth file knows, one row each. */
export function RegistryList({
  registries,
  onLogin,
}: {
  registries: RegistryView[];
  onLogin: (host: string) => void;
}) {
  return (
    <DataTable columns={columns} cellPadding="px-4" stacked data-testid="registries-list">
      {registries.map((registry) => (
        <RegistryRow key={registry.prefix} registry={registry} onLogin={onLogin} />
      ))}
    </DataTable>
  );
}
