import { ErrorNotice } from '@/components/error-notice';
import { Spinner } from '@/components/spinner';
import { useSession } from '@/features/auth/api/get-session';
import { LoginPrompt } from '@/features/auth/components/login-prompt';
import { AppRoutes } from './router';

/** Nothing but the login prompt is rendered until the daemon confirms the session. */
export function App() {
  const session = useSession();

  if (session.isPending) {
    return (
      <div className="flex min-h-dvh items-center justify-center">
        <Spinner label="Checking your session" />
      </div>
    );
  }
  // A failed background re-check keeps the last answer; only a first failure blocks the app.
  if (!session.data) {
    return (
      <div className="mx-auto flex min-h-dvh max-w-md items-center px-4">
        <ErrorNotice
          title="Could not check your session"
          error={session.error}
          onRetry={() => void session.refetch()}
        />
      </div>
    );
  }
  if (!session.data.authenticated) return <LoginPrompt signInHint={session.data.signInHint} />;
  return <AppRoutes />;
}
