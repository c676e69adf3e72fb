import type { BinfmtHealth } from '@archdeck/shared';
import { Cpu } from 'lucide-react';
import { Badge, type Tone } from '@/components/badge';
import { Card } from '@/components/card';
import { Detail, DetailList, yesNo } from '@/components/detail-list';

function status(binfmt: BinfmtHealth): { tone: Tone; label: string } {
  if (!binfmt.mounted) return { tone: 'error', label: 'Not mounted' };
  if (binfmt.enabled === null) return { tone: 'warning', label: 'Status unknown' };
  if (!binfmt.enabled) return { tone: 'warning', label: 'Disabled' };
  return { tone: 'ok', label: 'Enabled' };
}

export function BinfmtCard({ binfmt }: { binfmt: BinfmtHealth }) {
  const { tone, label } = status(binfmt);
  return (
    <Card
      title="binfmt_misc"
      icon={<Cpu />}
      aside={
        <Badge tone={tone} data-testid="binfmt-status">
          {label}
        </Badge>
      }
    >
      <DetailList>
        <Detail term="Mounted">{yesNo(binfmt.mounted)}</Detail>
        <Detail term="Globally enabled">{yesNo(binfmt.enabled)}</Detail>
        <Detail term="Entries">{binfmt.entries}</Detail>
        <Detail term="Root" mono>
          {binfmt.root}
        </Detail>
      </DetailList>
    </Card>
  );
}
