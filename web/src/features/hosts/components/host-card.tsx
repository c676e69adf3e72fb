import type { Host, HostState } from '@archdeck/shared';
import { Monitor, Server } from 'lucide-react';
import { Badge, type Tone } from '@/components/badge';
import { Button } from '@/components/button';
import { Card } from '@/components/card';
import { CodeBlock } from '@/components/code-block';
import { ConfirmPanel, useConfirmStep } from '@/components/confirm-step';
import { Detail, DetailList } from '@/components/detail-list';
import { ErrorNotice } from '@/components/error-notice';
import { hostsChanges, useHostsChange } from '../api/change-hosts';

const stateBadge: Record<HostState, { tone: Tone; label: string }> = {
  up: { tone: 'ok', label: 'Connected' },
  connecting: { tone: 'neutral', label: 'Connecting' },
  down: { tone: 'error', label: 'Down' },
  unconfirmed: { tone: 'warning', label: 'Key not confirmed' },
};

/**
 * The host key step: the fingerprint the host presented, and how to read the host's own to
 * compare. Nothing but the key exchange has reached the host before this is confirmed.
 */
function ConfirmKey({ host }: { host: Host & { hostKey: NonNullable<Host['hostKey']> } }) {
  const confirm = useHostsChange(hostsChanges.confirm);
  return (
    <div
      role="group"
      aria-label={`Confirm the host key of ${host.name}`}
      className="space-y-3 rounded-lg border border-amber-500/30 bg-amber-500/5 px-4 py-3 text-sm"
    >
      <p>
        The host presented this key. Compare it with the host's own before trusting it: a different
        value means something else answered at that address.
      </p>
      <p className="font-mono text-[13px] break-all" data-testid="host-fingerprint">
        {host.hostKey.fingerprint}
      </p>
      <CodeBlock code="ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub" label="Copy the command" />
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="primary"
          size="sm"
          busy={confirm.isPending}
          onClick={() => confirm.mutate({ id: host.id, fingerprint: host.hostKey.fingerprint })}
          data-testid="confirm-host-key"
        >
          They match: trust this host
        </Button>
      </div>
      {confirm.isError && <ErrorNotice title="Not confirmed" error={confirm.error} />}
    </div>
  );
}

function RemoveHost({ host }: { host: Host }) {
  const remove = useHostsChange(hostsChanges.remove);
  const step = useConfirmStep(() => remove.reset());
  return (
    <div className="space-y-3">
      <Button size="sm" variant="ghost" {...step.triggerProps} data-testid="remove-host">
        Remove
      </Button>
      {step.confirming && (
        <ConfirmPanel
          step={step}
          label={`Confirm removing ${host.name}`}
          message={
            <>
              archdeck forgets <strong>{host.name}</strong> and its pinned key; its containers keep
              running there.
            </>
          }
          confirmLabel="Remove host"
          onConfirm={() => remove.mutate(host.id)}
          busy={remove.isPending}
          data-testid="confirm-remove-host"
        >
          {remove.isError && <ErrorNotice title="Not removed" error={remove.error} />}
        </ConfirmPanel>
      )}
    </div>
  );
}

export function HostCard({ host }: { host: Host }) {
  const badge = stateBadge[host.state];
  return (
    <Card
      title={host.name}
      icon={host.kind === 'local' ? <Monitor /> : <Server />}
      aside={
        <Badge tone={badge.tone} data-testid="host-state">
          {badge.label}
        </Badge>
      }
      data-testid={`host-${host.id}`}
    >
      <div className="space-y-4">
        <DetailList>
          <Detail term="Address" mono>
            {host.url}
          </Detail>
          <Detail term="Architecture" mono data-testid="host-arch">
            {host.arch}
          </Detail>
          <Detail term="Podman">{host.podman.version}</Detail>
          {host.hostKey && (
            <Detail term="Host key" mono>
              {host.hostKey.fingerprint}
              {host.hostKey.confirmed && (
                <span className="ml-2 font-sans text-xs text-muted">(pinned)</span>
              )}
            </Detail>
          )}
        </DetailList>
        {host.hostKey && !host.hostKey.confirmed && (
          <ConfirmKey host={{ ...host, hostKey: host.hostKey }} />
        )}
        {host.error && (
          <ErrorNotice
            title={host.state === 'down' ? 'Cannot reach its podman' : 'Podman reported a problem'}
            error={host.error}
          />
        )}
        {host.kind === 'ssh' && <RemoveHost host={host} />}
      </div>
    </Card>
  );
}
