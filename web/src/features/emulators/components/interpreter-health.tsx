import type { ReactNode } from 'react';
import clsx from 'clsx';
import type { InterpreterHealth as Health } from '@archdeck/shared';
import { Check, CornerDownRight, X } from 'lucide-react';

function Fact({
  ok,
  children,
  title,
}: {
  ok: boolean | null;
  children: ReactNode;
  title?: string;
}) {
  return (
    <li
      title={title}
      className={clsx(
        'inline-flex items-center gap-1 text-xs',
        ok === false ? 'font-medium text-red-700 dark:text-red-400' : 'text-muted',
      )}
    >
      {ok === true && (
        <Check aria-hidden className="size-3.5 text-emerald-600 dark:text-emerald-400" />
      )}
      {ok === false && <X aria-hidden className="size-3.5" />}
      {children}
    </li>
  );
}

const linkageFact: Record<Health['linkage'], { ok: boolean | null; label: string; title: string }> =
  {
    static: {
      ok: true,
      label: 'static',
      title: 'Needs no libraries, so it also runs inside a container of another architecture.',
    },
    dynamic: {
      ok: null,
      label: 'dynamic',
      title:
        'Needs the host’s loader and libraries, which a container of another architecture does not have.',
    },
    'not-elf': {
      ok: false,
      label: 'not an ELF binary',
      title: 'The kernel cannot use this file as an interpreter.',
    },
    unknown: {
      ok: null,
      label: 'linkage unknown',
      title: 'Its ELF headers could not be read, or its program headers lie past its first 4 KiB.',
    },
  };

/** The interpreter's path and what the daemon found when it looked at the file. */
export function InterpreterHealth({ health }: { health: Health }) {
  const linkage = linkageFact[health.linkage];
  const resolved = health.resolvedPath && health.resolvedPath !== health.path;
  return (
    <div className="min-w-0 space-y-1">
      <p className="font-mono text-[13px] break-all">{health.path}</p>
      {resolved && (
        <p className="flex items-center gap-1 text-xs text-muted">
          <CornerDownRight aria-hidden className="size-3.5 shrink-0" />
          <span className="sr-only">resolves to</span>
          <span className="font-mono break-all">{health.resolvedPath}</span>
        </p>
      )}
      <ul className="flex flex-wrap gap-x-3 gap-y-1">
        <Fact ok={health.exists}>{health.exists ? 'exists' : 'missing'}</Fact>
        {health.exists && (
          <>
            {!health.regularFile && <Fact ok={false}>not a regular file</Fact>}
            <Fact ok={health.executable}>
              {health.executable ? 'executable' : 'not executable'}
            </Fact>
            <Fact ok={linkage.ok} title={linkage.title}>
              {linkage.label}
            </Fact>
          </>
        )}
        {health.qemuVersion && <Fact ok={null}>qemu {health.qemuVersion}</Fact>}
      </ul>
    </div>
  );
}
