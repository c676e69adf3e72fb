import { useId, useState } from 'react';
import type { RegistryLoginResult } from '@archdeck/shared';
import { LogIn } from 'lucide-react';
import { Dialog } from '@/components/dialog';
import { DialogFooter } from '@/components/dialog-footer';
import { DialogForm } from '@/components/dialog-form';
import { ErrorNotice } from '@/components/error-notice';
import { FieldLabel } from '@/components/field-label';
import { monoInputClass, verbatimTextProps } from '@/components/form';
import { ApiRequestError } from '@/lib/api-client';
import { useRegistryLogin } from '../api/login';

/**
 * Logs in to a registry as `podman login` does: the daemon checks the credentials against the
 * registry, then stores them in `authFile`. A refusal is shown here in the registry's words;
 * the password never leaves this form but to the daemon.
 */
export function LoginDialog({
  registry: initial,
  authFile,
  onDone,
  onClose,
}: {
  registry: string;
  authFile: string;
  onDone: (result: RegistryLoginResult) => void;
  onClose: () => void;
}) {
  const [registry, setRegistry] = useState(initial);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useRegistryLogin();
  const ids = { registry: useId(), username: useId(), password: useId() };

  const blocked = !registry.trim()
    ? 'Type the registry first'
    : !username
      ? 'Type the user name'
      : !password
        ? 'Type the password'
        : null;
  const submit = () => {
    if (blocked || login.isPending) return;
    login.mutate({ registry: registry.trim(), username, password }, { onSuccess: onDone });
  };
  const refused = login.error instanceof ApiRequestError && login.error.status === 401;

  return (
    <Dialog
      title="Log in to a registry"
      description={
        <>
          The registry checks the login first; it is then stored in{' '}
          <span className="font-mono break-all">{authFile}</span>, where podman reads it for pulls.
        </>
      }
      onClose={onClose}
      data-testid="registry-login-dialog"
    >
      <DialogForm onSubmit={submit}>
        <div>
          <FieldLabel htmlFor={ids.registry}>Registry</FieldLabel>
          <input
            id={ids.registry}
            value={registry}
            onChange={(event) => setRegistry(event.target.value)}
            placeholder="registry.example.com:5000"
            maxLength={255}
            {...verbatimTextProps}
            data-autofocus={initial === '' || undefined}
            data-testid="registry-login-registry"
            className={monoInputClass}
          />
        </div>
        <div>
          <FieldLabel htmlFor={ids.username}>User name</FieldLabel>
          <input
            id={ids.username}
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            maxLength={255}
            {...verbatimTextProps}
            autoComplete="username"
            data-autofocus={initial !== '' || undefined}
            data-testid="registry-login-username"
            className={monoInputClass}
          />
        </div>
        <div>
          <FieldLabel htmlFor={ids.password}>Password or token</FieldLabel>
          <input
            id={ids.password}
            type="password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            maxLength={4096}
            autoComplete="current-password"
            data-testid="registry-login-password"
            className={monoInputClass}
          />
        </div>

        {login.isError && (
          <div data-testid="registry-login-error">
            <ErrorNotice
              title={refused ? 'The registry refused the login' : 'Could not log in'}
              error={login.error}
            />
          </div>
        )}

        <DialogFooter
          onCancel={onClose}
          icon={<LogIn aria-hidden />}
          busy={login.isPending}
          blocked={blocked}
          data-testid="registry-login-submit"
        >
          Log in
        </DialogFooter>
      </DialogForm>
    </Dialog>
  );
}
