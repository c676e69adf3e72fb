import type { PodmanHealth } from '@archdeck/shared';
import { Container } from 'lucide-react';
import { Badge } from '@/components/badge';
import { Card } from '@/components/card';
import { Detail, DetailList, yesNo } from '@/components/detail-list';
import { ErrorNotice } from '@/components/error-notice';

const modeLabel: Record<PodmanHealth['mode'], string> = {
  managed: 'Managed — a podman service archdeck started',
  external: 'External — a podman service that was already running',
  ssh: 'SSH — a podman service on another machine, reached over SSH',
  none: 'None',
};

export function PodmanCard({ podman }: { podman: PodmanHealth }) {
  return (
    <Card
      title="Podman"
      icon={<Container />}
      aside={
        <Badge tone={podman.reachable ? 'ok' : 'error'} data-testid="podman-status">
          {podman.reachable ? 'Reachable' : 'Unreachable'}
        </Badge>
      }
    >
      <div className="space-y-4">
        {podman.error && (
          <ErrorNotice
            title={podman.reachable ? 'Podman reported a problem' : 'Cannot reach podman'}
            error={podman.error}
          />
        )}
        <DetailList>
          <Detail term="Version" mono data-testid="podman-version">
            {podman.version}
          </Detail>
          <Detail term="API version" mono>
            {podman.apiVersion}
          </Detail>
          <Detail term="OCI runtime" mono>
            {podman.ociRuntime}
          </Detail>
          <Detail term="cgroup version" mono>
            {podman.cgroupVersion}
          </Detail>
          <Detail term="Rootless">{yesNo(podman.rootless)}</Detail>
          <Detail term="Mode">{modeLabel[podman.mode]}</Detail>
          <Detail term="Socket" mono>
            {podman.socket}
          </Detail>
        </DetailList>
        {podman.adjustments.length > 0 && (
          <div className="border-t border-line pt-4">
            <h3 className="text-xs font-medium tracking-wider text-subtle uppercase">
              Adjustments
            </h3>
            <ul className="mt-2 space-y-1.5 text-sm">
              {podman.adjustments.map((adjustment) => (
                <li key={adjustment.setting}>
                  <span className="text-subtle">applied:</span>{' '}
                  <code className="font-mono text-[13px]">{adjustment.setting}</code>
                  <span className="text-muted"> — {adjustment.reason}</span>
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </Card>
  );
}
