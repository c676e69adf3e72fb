import type { FlagInfo } from '@archdeck/shared';

/** binfmt_misc flag letters; the meaning is on hover and read out to screen readers. */
export function FlagChips({ flags }: { flags: FlagInfo[] }) {
  if (flags.length === 0) return <span className="text-subtle italic">none</span>;
  return (
    <ul className="flex flex-wrap gap-1.5">
      {flags.map((flag) => (
        <li
          key={flag.letter}
          title={`${flag.letter} — ${flag.name}: ${flag.meaning}`}
          className="inline-flex cursor-help items-center gap-1 rounded-md bg-sunken py-0.5 pr-1.5 pl-1 text-xs ring-1 ring-line ring-inset"
        >
          <span
            aria-hidden
            className="inline-flex size-4 items-center justify-center rounded bg-surface font-mono font-semibold ring-1 ring-line"
          >
            {flag.letter}
          </span>
          <span aria-hidden className="text-muted">
            {flag.name}
          </span>
          <span className="sr-only">
            Flag {flag.letter}, {flag.name}: {flag.meaning}
          </span>
        </li>
      ))}
    </ul>
  );
}
