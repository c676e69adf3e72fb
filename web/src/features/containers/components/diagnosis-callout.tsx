import { Stethoscope } from 'lucide-react';
import { Link } from 'react-router';
import type { Diagnosis } from '@archdeck/shared';

/** Why the container failed and how to fix it, as the daemon worked it out. */
export function DiagnosisCallout({ diagnosis }: { diagnosis: Diagnosis }) {
  return (
    <section
      role="alert"
      aria-labelledby="diagnosis-title"
      data-testid="container-diagnosis"
      data-kind={diagnosis.kind}
      className="flex gap-3 rounded-lg border border-amber-500/40 bg-amber-500/5 px-4 py-3 text-sm"
    >
      <Stethoscope
        aria-hidden
        className="mt-0.5 size-5 shrink-0 text-amber-600 dark:text-amber-400"
      />
      <div className="min-w-0 space-y-1.5">
        <h2 id="diagnosis-title" className="font-semibold">
          {diagnosis.title}
        </h2>
        <p className="text-muted">{diagnosis.cause}</p>
        <p>
          <span className="font-medium">Fix: </span>
          {diagnosis.fix}
        </p>
        {diagnosis.link && (
          <Link
            to={diagnosis.link}
            className="inline-block font-medium underline underline-offset-2"
          >
            Open {diagnosis.link === '/emulators' ? 'Emulators' : diagnosis.link}
          </Link>
        )}
      </div>
    </section>
  );
}
