import { useId, useState } from 'react';
import type { PersistedOnlyEntry } from '@archdeck/shared';
import { PlatformChip } from '@/components/platform-chip';

/** Distributions ship a binfmt.d file per qemu target; a long list is folded after these. */
const FOLDED_ROWS = 5;

/** binfmt.d lines the kernel does not have: they return at boot, or failed to register. The
 * Emulators page's tab names the list and counts it. */
export function PersistedOnlyList({ entries }: { entries: PersistedOnlyEntry[] }) {
  const tableId = useId();
  const [showAll, setShowAll] = useState(false);
  const foldable = entries.length > FOLDED_ROWS + 1;
  const shown = foldable && !showAll ? entries.slice(0, FOLDED_ROWS) : entries;
  return (
    <div data-testid="emulators-persisted-only">
      <p className="text-sm text-muted">
        In binfmt.d but not registered in the kernel now: systemd-binfmt registers them at the next
        boot (or they failed to register, or were removed since).
      </p>
      <div id={tableId} className="mt-3 overflow-x-auto rounded-xl border border-line bg-surface">
        <table className="w-full text-left text-sm">
          <thead className="border-b border-line text-xs text-subtle">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Name
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Platform
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Interpreter
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Flags
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                File
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {shown.map((entry) => (
              <tr key={`${entry.file}:${entry.name}`} data-testid={`persisted-only-${entry.name}`}>
                <th
                  scope="row"
                  className="px-4 py-2 font-mono text-[13px] font-medium whitespace-nowrap"
                >
                  {entry.name}
                </th>
                <td className="px-4 py-2">
                  {entry.platform ? (
                    <PlatformChip platform={entry.platform} />
                  ) : (
                    <span className="text-subtle italic">unknown</span>
                  )}
                </td>
                <td className="px-4 py-2 font-mono text-[13px] whitespace-nowrap">
                  {entry.interpreter}
                </td>
                <td className="px-4 py-2 font-mono text-[13px]">
                  {entry.flags || <span className="font-sans text-subtle italic">none</span>}
                </td>
                <td className="px-4 py-2 font-mono text-xs whitespace-nowrap text-muted">
                  {entry.file}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {foldable && (
        <button
          type="button"
          onClick={() => setShowAll(!showAll)}
          aria-expanded={showAll}
          aria-controls={tableId}
          className="mt-2 rounded-md px-2 py-1 -ml-2 text-sm font-medium text-muted hover:bg-sunken hover:text-fg focus-visible:outline-2 focus-visible:outline-zinc-500"
        >
          {showAll ? 'Show fewer' : `Show all ${entries.length}`}
        </button>
      )}
    </div>
  );
}
