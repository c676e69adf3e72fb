import type { RegisterAllResult as Result } from '@archdeck/shared';
import { CircleCheck, X } from 'lucide-react';
import { PlatformChip } from '@/components/platform-chip';

/** What "Register all available" did: what it registered and why it left the rest. */
export function RegisterAllResult({
  result,
  onDismiss,
}: {
  result: Result;
  onDismiss: () => void;
}) {
  return (
    <div
      role="status"
      data-testid="register-all-result"
      className="flex gap-3 rounded-lg border border-line bg-surface px-4 py-3 text-sm shadow-xs"
    >
      <CircleCheck
        aria-hidden
        className="mt-0.5 size-4 shrink-0 text-emerald-600 dark:text-emerald-400"
      />
      <div className="min-w-0 flex-1 space-y-2">
        <p className="font-medium">
          {result.registered.length === 0
            ? 'Nothing new to register'
            : `Registered ${result.registered.length} ${
                result.registered.length === 1 ? 'emulator' : 'emulators'
              }`}
        </p>
        {result.registered.length > 0 && (
          <ul className="flex flex-wrap gap-1.5">
            {result.registered.map((name) => (
              <li key={name}>
                <PlatformChip platform={name} />
              </li>
            ))}
          </ul>
        )}
        {result.skipped.length > 0 && (
          <div>
            <p className="text-xs font-medium tracking-wider text-subtle uppercase">Skipped</p>
            <ul className="mt-1 space-y-0.5">
              {result.skipped.map((skip) => (
                <li key={skip.platform}>
                  <span className="font-mono text-[13px]">{skip.platform}</span>
                  <span className="text-muted"> — {skip.reason}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <button
        type="button"
        onClick={onDismiss}
        aria-label="Dismiss"
        className="-mt-1 -mr-2 self-start rounded-md p-1.5 text-subtle hover:bg-sunken hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500"
      >
        <X aria-hidden className="size-4" />
      </button>
    </div>
  );
}
