import { useId, type KeyboardEvent } from 'react';
import { TriangleAlert } from 'lucide-react';
import { FieldLabel } from '@/components/field-label';
import { monoInputClass, verbatimTextProps } from '@/components/form';
import type { SplitResult } from '../split-command';

/** The argv the command field splits into, each argument exactly as it will be passed. */
function ArgvPreview({ argv, id, testId }: { argv: string[]; id: string; testId: string }) {
  if (argv.length === 0) {
    return (
      <p id={id} data-testid={testId} className="mt-1.5 text-xs text-muted">
        Empty: the image’s own command runs.
      </p>
    );
  }
  return (
    <div id={id} className="mt-1.5 flex flex-wrap items-center gap-1 text-xs">
      <span className="mr-1 text-muted">argv</span>
      <ol data-testid={testId} aria-label="Arguments" className="flex flex-wrap gap-1">
        {argv.map((arg, index) => (
          <li
            key={index}
            className="rounded bg-sunken px-1.5 py-0.5 font-mono whitespace-pre-wrap ring-1 ring-line [overflow-wrap:anywhere]"
          >
            {arg === '' ? <span className="text-subtle italic">(empty)</span> : arg}
          </li>
        ))}
      </ol>
    </div>
  );
}

/**
 * A command line, typed as a shell would take it and shown as the argv it becomes (or why it
 * cannot be split). Test ids: `<prefix>-cmd`, `<prefix>-argv`, `<prefix>-cmd-error`.
 */
export function CommandField({
  value,
  onChange,
  split,
  onKeyDown,
  testIdPrefix,
}: {
  value: string;
  onChange: (value: string) => void;
  /** `splitCommand(value)`: the caller needs it too, to submit. */
  split: SplitResult;
  onKeyDown: (event: KeyboardEvent) => void;
  testIdPrefix: string;
}) {
  const inputId = useId();
  const argvId = useId();
  return (
    <div>
      <FieldLabel htmlFor={inputId} optional>
        Command
      </FieldLabel>
      <input
        id={inputId}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        placeholder={`e.g. sh -c 'uname -m; cat /etc/os-release'`}
        {...verbatimTextProps}
        aria-describedby={argvId}
        aria-invalid={!split.ok || undefined}
        data-testid={`${testIdPrefix}-cmd`}
        className={monoInputClass}
      />
      {split.ok ? (
        <ArgvPreview argv={split.argv} id={argvId} testId={`${testIdPrefix}-argv`} />
      ) : (
        <p
          id={argvId}
          data-testid={`${testIdPrefix}-cmd-error`}
          className="mt-1.5 flex gap-1.5 text-xs text-red-700 dark:text-red-400"
        >
          <TriangleAlert aria-hidden className="size-3.5 shrink-0" />
          {split.error}
        </p>
      )}
      <p className="mt-1 text-xs text-subtle">
        Split like a shell splits words (quotes group, \ escapes), but nothing is expanded: for
        pipes or variables, use <span className="font-mono">sh -c '…'</span>.
      </p>
    </div>
  );
}
