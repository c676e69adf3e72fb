import { CodeBlock } from '@/components/code-block';
import { ErrorNotice } from '@/components/error-notice';
import { ApiRequestError } from '@/lib/api-client';

/** The command a `needs_root` refusal carries: in `detail.command`, else the message itself. */
function rootCommand(error: unknown): string | null {
  if (!(error instanceof ApiRequestError) || error.status !== 403) return null;
  if (error.body.code !== 'needs_root') return null;
  const command = error.body.detail?.command;
  return typeof command === 'string' ? command : error.body.message;
}

/**
 * A failed change, shown next to the control that made it. When the daemon cannot do it for
 * lack of root, the user gets the exact command to run as root instead.
 */
export function ActionError({
  title,
  error,
  'data-testid': testId,
}: {
  title: string;
  error: unknown;
  'data-testid'?: string;
}) {
  const command = rootCommand(error);
  return (
    <div data-testid={testId}>
      {command ? (
        <ErrorNotice
          title={title}
          error="The daemon is not running as root, so it cannot change this. Run this as root instead:"
        >
          <CodeBlock code={command} />
        </ErrorNotice>
      ) : (
        <ErrorNotice title={title} error={error} />
      )}
    </div>
  );
}
