import { useId } from 'react';
import type { FlagInfo } from '@archdeck/shared';
import { FLAGS } from './labels';

/** A flag letter in its little box, as the chips and the legend show it. */
function Letter({ letter }: { letter: string }) {
  return (
    <span
      aria-hidden
      className="inline-flex size-4 shrink-0 items-center justify-center rounded bg-surface font-mono text-xs font-semibold ring-1 ring-line"
    >
      {letter}
    </span>
  );
}

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
          <Letter letter={flag.letter} />
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

/** What each flag letter means, written out for everyone (the chips only tell on hover). */
export function FlagLegend() {
  const headingId = useId();
  return (
    <section
      aria-labelledby={headingId}
      data-testid="flag-legend"
      className="rounded-xl border border-line bg-surface px-5 py-4 shadow-xs"
    >
      <h3 id={headingId} className="text-xs font-medium tracking-wider text-subtle uppercase">
        What the flags mean
      </h3>
      <dl className="mt-2.5 grid gap-x-4 gap-y-2 text-sm sm:grid-cols-[max-content_minmax(0,1fr)]">
        {FLAGS.map((flag) => (
          <div key={flag.letter} className="contents">
            <dt className="flex items-center gap-1.5 self-start">
              <Letter letter={flag.letter} />
              <span className="sr-only">{flag.letter}, </span>
              <span className="font-mono text-[13px]">{flag.name}</span>
            </dt>
            <dd className="text-muted max-sm:mb-1.5">{flag.meaning}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
