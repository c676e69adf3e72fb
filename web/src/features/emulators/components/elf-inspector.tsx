import { useId, useState, type DragEvent } from 'react';
import clsx from 'clsx';
import {
  ELF_HEAD_BYTES,
  type ElfLinkage,
  type ElfReport,
  type EmulatorEntry,
} from '@archdeck/shared';
import { CircleCheck, CircleX, FileSearch, Upload } from 'lucide-react';
import { Badge } from '@/components/badge';
import { Card } from '@/components/card';
import { Detail, DetailList } from '@/components/detail-list';
import { ErrorNotice } from '@/components/error-notice';
import { Spinner } from '@/components/spinner';
import { formatBytes } from '@/lib/format';
import { useInspectElf } from '../api/inspect-elf';
import { elfLinkageLabel, verdictBadge } from './labels';

const PROGRAMS: ReadonlySet<ElfLinkage> = new Set(['static', 'static-pie', 'dynamic']);

const kindText = (report: ElfReport) =>
  report.linkage.length > 0
    ? report.linkage.map((kind) => elfLinkageLabel[kind]).join(' or ')
    : `ELF ${report.type} file`;

/** "Dynamically linked program for AArch64, needs /lib/ld-linux-aarch64.so.1; the kernel hands it to qemu-aarch64" */
function headline(report: ElfReport): string {
  const what = `${kindText(report)} for ${report.ident.machineName}`;
  const needs = report.loader
    ? `, needs ${report.loader}`
    : report.unread.includes('loader')
      ? ', needs a loader'
      : '';
  const runs =
    report.runs === 'native'
      ? 'the CPU runs it natively'
      : report.runs === 'handler'
        ? `the kernel hands it to ${report.handler ?? 'an emulator'}`
        : 'the kernel refuses it: exec format error';
  return `${what.charAt(0).toUpperCase()}${what.slice(1)}${needs}; ${runs}`;
}

function Report({
  report,
  file,
  entries,
}: {
  report: ElfReport;
  file: File;
  entries: EmulatorEntry[];
}) {
  const handler = entries.find((entry) => entry.name === report.handler);
  // Whether it runs is the question for a program only: a library or an object is not run.
  const program = report.linkage.some((kind) => PROGRAMS.has(kind));
  const runs = report.runs !== 'none';
  // What lies past the part sent is past the end of a file that was sent whole: it is cut short.
  const past =
    file.size > ELF_HEAD_BYTES
      ? 'lies past the first 1 MiB, the part sent'
      : 'lies past the end of the file: it is cut short';
  const undecided =
    report.linkage.length > 1 &&
    (report.unread.includes('program-headers')
      ? `its program headers ${past}`
      : `the PIE flag in its dynamic section ${past}`);
  return (
    <div data-testid="elf-report" className="space-y-4">
      <div
        className={clsx(
          'flex gap-3 rounded-lg border px-4 py-3',
          !program
            ? 'border-line bg-canvas'
            : runs
              ? 'border-emerald-500/30 bg-emerald-500/5'
              : 'border-red-500/30 bg-red-500/5',
        )}
      >
        {!program ? (
          <FileSearch aria-hidden className="mt-0.5 size-4 shrink-0 text-subtle" />
        ) : runs ? (
          <CircleCheck
            aria-hidden
            className="mt-0.5 size-4 shrink-0 text-emerald-600 dark:text-emerald-400"
          />
        ) : (
          <CircleX aria-hidden className="mt-0.5 size-4 shrink-0 text-red-600 dark:text-red-400" />
        )}
        <div className="min-w-0 flex-1">
          <p data-testid="elf-verdict" className="font-medium break-words">
            {headline(report)}
          </p>
          <p className="mt-1 text-sm break-words text-muted">{report.explanation}</p>
          {handler && (
            <p className="mt-2 flex flex-wrap items-center gap-2 text-sm">
              <span className="font-mono">{handler.name}</span>
              <Badge tone={verdictBadge[handler.verdict].tone}>
                {verdictBadge[handler.verdict].label}
              </Badge>
            </p>
          )}
        </div>
      </div>
      <DetailList>
        <Detail term="File">
          <span className="font-mono text-[13px] break-all">{file.name}</span>{' '}
          <span className="text-muted">
            ({formatBytes(file.size)}
            {file.size > ELF_HEAD_BYTES && ', first 1 MiB read'})
          </span>
        </Detail>
        <Detail term="Class">
          ELF{report.ident.class}, {report.ident.byteOrder}-endian
        </Detail>
        <Detail term="Machine">
          {report.ident.machineName}{' '}
          <span className="text-muted">(e_machine {report.ident.machine})</span>
        </Detail>
        <Detail term="Platform" mono>
          {report.platform}
        </Detail>
        <Detail term="Type">{report.type}</Detail>
        <Detail term="Kind" data-testid="elf-kind">
          {kindText(report)}
          {undecided && <span className="text-muted"> — undecided: {undecided}</span>}
        </Detail>
        {report.loader ? (
          <Detail term="Loader" mono data-testid="elf-loader">
            {report.loader}
          </Detail>
        ) : (
          report.unread.includes('loader') && (
            <Detail term="Loader" data-testid="elf-loader">
              Needed, but its path (PT_INTERP) {past}
            </Detail>
          )
        )}
        {report.alsoMatching.length > 0 && (
          <Detail term="Also matching">
            <span className="font-mono text-[13px]">{report.alsoMatching.join(', ')}</span>
            <span className="text-muted"> — ignored: the kernel uses only the first match</span>
          </Detail>
        )}
      </DetailList>
    </div>
  );
}

/** Drop a binary, learn what the kernel would do with it: run it, hand it to qemu, or refuse. */
export function ElfInspector({ entries }: { entries: EmulatorEntry[] }) {
  const inspect = useInspectElf();
  const [dragging, setDragging] = useState(false);
  const inputId = useId();
  const hintId = useId();
  const file = inspect.variables instanceof File ? inspect.variables : null;

  const take = (chosen: File | undefined) => {
    if (chosen) inspect.mutate(chosen);
  };
  const onDragOver = (event: DragEvent) => {
    if (!event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const onDragLeave = (event: DragEvent) => {
    // Moving over a child fires leave on the parent; only leaving the zone itself counts.
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    take(event.dataTransfer.files[0]);
  };

  return (
    <Card title="ELF inspector" icon={<FileSearch />}>
      <div className="space-y-4">
        <div
          onDragOver={onDragOver}
          onDragEnter={onDragOver}
          onDragLeave={onDragLeave}
          onDrop={onDrop}
          className={clsx(
            'flex flex-col items-center gap-3 rounded-lg border-2 border-dashed px-6 py-7 text-center transition-colors sm:flex-row sm:text-left',
            dragging ? 'border-emerald-500 bg-emerald-500/5' : 'border-line bg-canvas',
          )}
        >
          <Upload aria-hidden className="size-6 shrink-0 text-subtle" />
          <div className="min-w-0 flex-1">
            <p className="font-medium">Drop a binary to see what the kernel will do with it</p>
            <p id={hintId} className="mt-0.5 text-sm text-muted">
              Only its first 1 MiB is sent: the headers say which CPU it is for and what it needs.
            </p>
          </div>
          <input
            id={inputId}
            type="file"
            data-testid="elf-input"
            aria-describedby={hintId}
            className="peer sr-only"
            onChange={(event) => {
              take(event.target.files?.[0]);
              // Choosing the same file again should ask again.
              event.target.value = '';
            }}
          />
          <label
            htmlFor={inputId}
            className="inline-flex shrink-0 cursor-pointer items-center rounded-md border border-line bg-surface px-3 py-1.5 text-sm font-medium shadow-xs peer-focus-visible:outline-2 peer-focus-visible:outline-offset-2 peer-focus-visible:outline-zinc-500 hover:bg-sunken"
          >
            Choose a file
          </label>
        </div>

        {inspect.isPending && (
          <p className="flex items-center gap-2 text-sm text-muted">
            <Spinner label="Reading the ELF header" />
            Reading {file?.name}…
          </p>
        )}
        {inspect.isError && (
          <ErrorNotice
            title={file ? `Could not inspect ${file.name}` : 'Could not inspect the file'}
            error={inspect.error}
          />
        )}
        {inspect.isSuccess && file && (
          <Report report={inspect.data} file={file} entries={entries} />
        )}
      </div>
    </Card>
  );
}
