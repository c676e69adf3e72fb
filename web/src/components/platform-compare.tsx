import { useId, useState } from 'react';
import { createPortal } from 'react-dom';
import clsx from 'clsx';
import type { ConfigRow } from '@archdeck/shared';
import { Columns3 } from 'lucide-react';
import { formatBytes, formatDateTime } from '@/lib/format';
import { usePlatformConfigs } from '@/lib/platform-configs';
import { Badge } from './badge';
import { Button } from './button';
import { Checkbox } from './checkbox';
import { Dialog } from './dialog';
import { ErrorNotice } from './error-notice';
import { PlatformChip } from './platform-chip';
import { RunBadge } from './run-badge';
import { Spinner } from './spinner';

function Value({ row, value }: { row: ConfigRow; value: ConfigRow['values'][number] }) {
  if (value === null) {
    return (
      <span className="text-subtle">
        <span aria-hidden>—</span>
        <span className="sr-only">not set</span>
      </span>
    );
  }
  if (row.field === 'Size' && typeof value === 'number') {
    return <span title={`${value} bytes, compressed as pulled`}>{formatBytes(value)}</span>;
  }
  if (row.field === 'Created' && typeof value === 'string') {
    return <time dateTime={value}>{formatDateTime(value)}</time>;
  }
  return <span className="font-mono break-all whitespace-pre-wrap">{String(value)}</span>;
}

/**
 * The image configs of a reference's platforms side by side, what differs marked: Env and
 * Labels line by line, the entrypoint and command, user, working directory, layers and size.
 */
function PlatformCompareDialog({ reference, onClose }: { reference: string; onClose: () => void }) {
  const configs = usePlatformConfigs(reference);
  const [onlyDiffering, setOnlyDiffering] = useState<boolean | null>(null);
  const captionId = useId();
  const data = configs.data;
  // Only what differs, unless nothing does (then everything, or the table would be empty).
  const only = onlyDiffering ?? (data !== undefined && data.differences > 0);
  const rows = data ? data.rows.filter((r) => !only || r.differs) : [];

  return (
    <Dialog
      wide
      title="Compare platforms"
      description={
        <>
          The image config of each platform of <span className="font-mono">{reference}</span>, read
          from its registry: where one platform is set up unlike another.
        </>
      }
      onClose={onClose}
      data-testid="compare-dialog"
    >
      {configs.isLoading ? (
        <p role="status" className="flex items-center gap-2 text-sm text-muted">
          <Spinner label="Reading the configs" />
          Reading each platform’s config from the registry…
        </p>
      ) : configs.isError || !data ? (
        <ErrorNotice
          title={`Could not read the configs of ${reference}`}
          error={configs.error}
          onRetry={() => void configs.refetch()}
        />
      ) : (
        <div className="space-y-4">
          <div className="flex flex-wrap items-start justify-between gap-3">
            <p role="status" data-testid="compare-summary" className="text-sm">
              {data.differences > 0
                ? `${data.differences} of ${data.rows.length} lines differ between the ${data.platforms.length} platforms.`
                : `The ${data.platforms.length} platforms agree on every line compared.`}
            </p>
            <Checkbox
              checked={only}
              onChange={setOnlyDiffering}
              label="Only what differs"
              hint="Env and Labels are compared variable by variable, label by label."
              data-testid="compare-only-differences"
            />
          </div>
          <div
            role="region"
            aria-labelledby={captionId}
            // Scrollable with the keyboard when the platforms do not fit.
            tabIndex={0}
            className="overflow-x-auto rounded-lg border border-line focus-visible:outline-2 focus-visible:outline-zinc-500"
          >
            <table data-testid="compare-table" className="w-full text-left text-xs">
              <caption id={captionId} className="sr-only">
                Configs of the platforms of {reference}
              </caption>
              <thead className="border-b border-line bg-sunken">
                <tr>
                  <th scope="col" className="px-3 py-2 font-medium text-subtle">
                    Field
                  </th>
                  {data.platforms.map((p) => (
                    <th key={p.digest} scope="col" className="px-3 py-2 align-top font-medium">
                      <span className="flex flex-col items-start gap-1">
                        <PlatformChip platform={p.platform} />
                        <RunBadge badge={p} platform={p.platform} />
                      </span>
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-line">
                {rows.map((row) => (
                  <tr
                    key={`${row.field}\0${row.key ?? ''}`}
                    data-differs={row.differs || undefined}
                    className={clsx(row.differs && 'bg-amber-500/5')}
                  >
                    <th scope="row" className="px-3 py-2 align-top font-medium whitespace-nowrap">
                      {row.field}
                      {row.key !== null && (
                        <span className="ml-1.5 font-mono font-normal break-all whitespace-normal">
                          {row.key}
                        </span>
                      )}
                      {row.differs && (
                        <span className="ml-2">
                          <Badge tone="warning">differs</Badge>
                        </span>
                      )}
                    </th>
                    {row.values.map((value, i) => (
                      <td key={i} className="min-w-40 px-3 py-2 align-top">
                        <Value row={row} value={value} />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data.skipped > 0 && (
            <p className="text-xs text-muted">
              The index lists {data.skipped} more platform{data.skipped === 1 ? '' : 's'}, not read.
            </p>
          )}
        </div>
      )}
    </Dialog>
  );
}

/**
 * Opens the comparison of a multi-arch reference's platforms. The dialog goes to the end of the
 * document: it opens over the Pull or Run dialog, whose form must not see its keys.
 */
export function ComparePlatformsButton({ reference }: { reference: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        size="sm"
        variant="ghost"
        icon={<Columns3 aria-hidden />}
        onClick={() => setOpen(true)}
        data-testid="compare-platforms"
      >
        Compare platforms
      </Button>
      {open &&
        createPortal(
          <PlatformCompareDialog reference={reference} onClose={() => setOpen(false)} />,
          document.body,
        )}
    </>
  );
}
