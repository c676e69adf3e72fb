import type { ReactNode } from 'react';
import { CircleAlert, RotateCw } from 'lucide-react';
import { ApiRequestError } from '@/lib/api-client';
import { MessageText } from './message-text';

/** What went wrong, in words: the server's message for an API error. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiRequestError) return error.body.message;
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Shows what went wrong where it went wrong. `error` is an ApiRequestError (its message is
 * the server's, written for the user), another Error, or a message string from the server.
 * `children` go under the message, e.g. the command that does it instead.
 */
export function ErrorNotice({
  error,
  title = 'Something went wrong',
  onRetry,
  children,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  return (
    <div
      role="alert"
      className="flex gap-3 rounded-lg border border-red-500/30 bg-red-500/5 px-4 py-3 text-sm"
    >
      <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0 text-red-600 dark:text-red-400" />
      <div className="min-w-0 flex-1">
        <p className="font-medium text-red-800 dark:text-red-300">{title}</p>
        <p className="mt-1 break-words whitespace-pre-line text-fg">
          <MessageText text={messageOf(error)} />
        </p>
        {children && <div className="mt-2.5">{children}</div>}
        {onRetry && (
          <button
            type="button"
            onClick={onRetry}
            className="mt-2 inline-flex items-center gap-1.5 rounded-md px-2 py-1 -ml-2 font-medium text-red-700 hover:bg-red-500/10 focus-visible:outline-2 focus-visible:outline-red-500 dark:text-red-300"
          >
            <RotateCw aria-hidden className="size-3.5" />
            Try again
          </button>
        )}
      </div>
    </div>
  );
}
