import { KeyRound } from 'lucide-react';
import { Card } from '@/components/card';
import { CodeBlock } from '@/components/code-block';
import { Copyable } from '@/components/copy-button';
import { ErrorNotice } from '@/components/error-notice';
import { Skeleton } from '@/components/spinner';
import { useHostsKey } from '../api/get-hosts';

/** What a remote host needs before it can be added: archdeck's key, and podman's socket on. */
export function KeyCard() {
  const key = useHostsKey();
  return (
    <Card title="Preparing a host" icon={<KeyRound />} data-testid="hosts-key">
      <div className="space-y-4 text-sm">
        <p>
          archdeck logs in with its own key, kept in its data dir; no passwords are stored. On the
          host, as the user archdeck will log in as, add this line to{' '}
          <code className="font-mono text-[13px]">~/.ssh/authorized_keys</code>. It allows only the
          forwarding archdeck uses to reach podman: no shell, no terminal.
        </p>
        {key.isPending ? (
          <Skeleton className="h-16" />
        ) : key.isError ? (
          <ErrorNotice title="Could not load archdeck's key" error={key.error} />
        ) : (
          <>
            <CodeBlock code={key.data.authorizedKeysLine} label="Copy the authorized_keys line" />
            <p className="text-muted">
              Key fingerprint:{' '}
              <Copyable value={key.data.fingerprint} label="Copy the fingerprint" />
            </p>
          </>
        )}
        <p>Then start podman's API socket there (as root, for /run/podman/podman.sock):</p>
        <CodeBlock code="systemctl enable --now podman.socket" />
      </div>
    </Card>
  );
}
