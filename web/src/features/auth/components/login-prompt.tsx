import { useId, useState, type FormEvent } from 'react';
import { ErrorNotice } from '@/components/error-notice';
import { FieldLabel } from '@/components/field-label';
import { MessageText } from '@/components/message-text';
import { KeyRound, LoaderCircle } from 'lucide-react';
import { useLogin } from '../api/login';
import { useRejectedLink } from './use-rejected-link';

/**
 * Asks for the daemon's token. `signInHint` is the daemon's own word on where it is (its data
 * dir's `token` file); a wrong token, typed or in the link that opened the page, is said so.
 */
export function LoginPrompt({ signInHint }: { signInHint?: string }) {
  const [token, setToken] = useState('');
  const login = useLogin();
  const linkRejected = useRejectedLink();
  const inputId = useId();
  const helpId = useId();
  const errorId = useId();

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // Tokens copied from a terminal often carry a stray space or newline.
    login.mutate({ token: token.trim() });
  };

  return (
    <main
      data-testid="login-prompt"
      className="flex min-h-dvh items-center justify-center px-4 py-12"
    >
      <div className="w-full max-w-md rounded-2xl border border-line bg-surface p-8 shadow-sm">
        <div className="mb-6 flex size-10 items-center justify-center rounded-lg bg-sunken text-muted ring-1 ring-line">
          <KeyRound aria-hidden className="size-5" />
        </div>
        <h1 className="text-xl font-semibold tracking-tight">Sign in to archdeck</h1>
        <p id={helpId} className="mt-2 text-sm leading-relaxed text-muted">
          {signInHint ? (
            <MessageText text={signInHint} />
          ) : (
            <>
              Paste the token printed by <code className="font-mono text-fg">npm start</code> (it is
              also in <code className="font-mono text-fg">&lt;data-dir&gt;/token</code>).
            </>
          )}
        </p>
        {linkRejected && login.isIdle && (
          <div data-testid="login-link-rejected" className="mt-4">
            <ErrorNotice
              title="The link’s token was not accepted"
              error="The daemon’s token is not the one in that link: the link is from an earlier start with another data directory, or it was cut short when copied. Open the newest link `npm start` printed, or paste the token below."
            />
          </div>
        )}

        <form onSubmit={submit} className="mt-6 space-y-4">
          <div>
            <FieldLabel htmlFor={inputId}>Token</FieldLabel>
            <input
              id={inputId}
              data-testid="login-token"
              type="password"
              name="token"
              autoComplete="current-password"
              autoFocus
              required
              spellCheck={false}
              value={token}
              onChange={(event) => setToken(event.target.value)}
              aria-invalid={login.isError || undefined}
              aria-describedby={login.isError ? `${errorId} ${helpId}` : helpId}
              className="mt-1.5 block w-full rounded-lg border border-line bg-canvas px-3 py-2 font-mono text-sm outline-none placeholder:text-subtle focus:border-zinc-500 focus:ring-2 focus:ring-zinc-500/30 aria-invalid:border-red-500 aria-invalid:focus:ring-red-500/30"
            />
            {login.isError && (
              <p
                id={errorId}
                data-testid="login-error"
                role="alert"
                className="mt-2 text-sm text-red-700 dark:text-red-400"
              >
                <MessageText text={login.error.message} />
              </p>
            )}
          </div>
          <button
            type="submit"
            data-testid="login-submit"
            disabled={login.isPending}
            className="inline-flex w-full items-center justify-center gap-2 rounded-lg bg-zinc-900 px-4 py-2 text-sm font-medium text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500 disabled:opacity-60 dark:bg-zinc-100 dark:text-zinc-900 dark:hover:bg-white"
          >
            {login.isPending && <LoaderCircle aria-hidden className="size-4 animate-spin" />}
            Sign in
          </button>
        </form>
      </div>
    </main>
  );
}
