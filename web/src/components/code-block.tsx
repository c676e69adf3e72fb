import { useEffect, useState } from 'react';
import { Check, Copy } from 'lucide-react';

type CopyState = 'idle' | 'copied' | 'failed';

/** A command the user is meant to run, with a button that copies it. */
export function CodeBlock({ code, label = 'Copy command' }: { code: string; label?: string }) {
  const [state, setState] = useState<CopyState>('idle');

  // The confirmation is feedback for one click, so it fades back after a moment.
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = () => {
    navigator.clipboard.writeText(code).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };

  return (
    <div className="relative rounded-lg border border-line bg-sunken">
      <pre className="py-3 pr-24 pl-4 font-mono text-[13px] leading-relaxed whitespace-pre-wrap [overflow-wrap:anywhere]">
        <code>{code}</code>
      </pre>
      <button
        type="button"
        onClick={copy}
        aria-label={label}
        className="absolute top-2 right-2 inline-flex items-center gap-1.5 rounded-md border border-line bg-surface px-2 py-1 text-xs font-medium text-muted hover:text-fg focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500"
      >
        {state === 'copied' ? (
          <Check aria-hidden className="size-3.5 text-emerald-600 dark:text-emerald-400" />
        ) : (
          <Copy aria-hidden className="size-3.5" />
        )}
        <span aria-live="polite">
          {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select to copy' : 'Copy'}
        </span>
      </button>
    </div>
  );
}
