import type { RunBadge as Run } from '@archdeck/shared';
import { Badge, type Tone } from './badge';

/**
 * How this host runs a platform. Emulated is green like native: it works, only slower. The
 * wording is lowercase on purpose: it reads as the answer "runs: native" and matches the API.
 */
export function runLabel(
  badge: Run,
  platform: string,
): { tone: Tone; label: string; explanation: string } {
  switch (badge.run) {
    case 'native':
      return {
        tone: 'ok',
        label: 'native',
        explanation: `This host’s CPU runs ${platform} itself.`,
      };
    case 'emulated':
      return {
        tone: 'ok',
        label: `emulated via ${badge.emulatedBy ?? 'qemu-user'}`,
        explanation: `The kernel hands ${platform} binaries to ${badge.emulatedBy ?? 'a qemu-user emulator'}: it runs, more slowly than natively.`,
      };
    case 'unavailable':
      return {
        tone: 'error',
        label: 'unavailable',
        explanation: `No container-ready emulator for ${platform} is registered: its containers fail with “exec format error”. Register one on the Emulators page.`,
      };
  }
}

/**
 * Whether this host runs a platform natively, through which emulator, or not at all (images,
 * registry platforms and containers all carry this badge). The why is in the hover title;
 * where there is room for it, `explained` also prints it underneath.
 */
export function RunBadge({
  badge,
  platform,
  explained = false,
  'data-testid': testId,
}: {
  badge: Run;
  platform: string;
  explained?: boolean;
  'data-testid'?: string;
}) {
  const run = runLabel(badge, platform);
  const pill = (
    <Badge tone={run.tone} title={run.explanation} data-testid={testId}>
      {run.label}
    </Badge>
  );
  if (!explained) return pill;
  return (
    <span className="flex flex-col items-start gap-1">
      {pill}
      <span className="text-xs text-muted">{run.explanation}</span>
    </span>
  );
}
