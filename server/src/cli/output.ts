/** How the command-line client shows things to a person: aligned columns, a progress bar. */
import type { RunBadge } from '@archdeck/shared';

/** Rows as columns padded to their widest cell; the last column is not padded. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, n) => (widths[n] = Math.max(widths[n] ?? 0, cell.length)));
  return (
    rows
      .map((row) =>
        row.map((cell, n) => (n === row.length - 1 ? cell : cell.padEnd(widths[n]!))).join('  '),
      )
      .join('\n') + '\n'
  );
}

/** How the host runs it: native, the emulator's name, or "no emulator". */
export const badge = (b: RunBadge) =>
  b.run === 'native'
    ? 'native'
    : b.run === 'emulated'
      ? `emulated (${b.emulatedBy})`
      : 'no emulator';

/** `[#####-----]  51%` over 30 columns; a bare bar while the total is not known yet. */
export function progressBar(current: number, total: number, width = 30): string {
  if (total <= 0) return `[${'-'.repeat(width)}]     `;
  const done = Math.round((Math.min(current, total) / total) * width);
  const percent = `${Math.round((Math.min(current, total) / total) * 100)}%`.padStart(4);
  return `[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${percent}`;
}
