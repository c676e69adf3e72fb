import type { RunBadge as Run } from '@archdeck/shared';
import { Badge } from '@/components/badge';
import { runLabel } from './labels';

/**
 * Whether this host runs a platform natively, through which emulator, or not at all. The why
 * is in the hover title; where there is room for it, `explained` also prints it underneath.
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
