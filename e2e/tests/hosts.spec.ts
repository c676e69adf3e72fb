import { expect, test } from '@playwright/test';
import { machine } from 'node:os';
import type { HostsKey } from '@archdeck/shared';
import { startSshd, type Sshd } from '../../server/test/sshd';
import { auth } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';

const OCI_ARCH: Record<string, string> = { x86_64: 'amd64', aarch64: 'arm64' };

let sshd: Sshd;
let hostId: string | null = null;

test.beforeAll(async ({ request }) => {
  const key = (await (await request.get('/api/hosts/key', { headers: auth() })).json()) as HostsKey;
  // A real OpenSSH server on loopback that trusts the daemon's own key, as a user sets one up.
  sshd = await startSshd([key.authorizedKeysLine]);
});
test.afterAll(async ({ request }) => {
  if (hostId) await request.delete(`/api/hosts/${hostId}`, { headers: auth() });
  await sshd?.cleanup();
});

test('adds an SSH host: its key compared and confirmed, then connected with its arch', async ({
  page,
}) => {
  await page.goto(`/hosts?token=${daemonToken()}`);
  await expect(page.getByTestId('host-local').getByTestId('host-state')).toHaveText('Connected');
  // The key card gives the line to paste on the host.
  await expect(page.getByTestId('hosts-key')).toContainText('restrict,port-forwarding');

  await page.getByTestId('add-host').click();
  await page.getByTestId('host-name').fill('loopback <b>arm</b>');
  await page.getByTestId('host-url').fill(`ssh://root@127.0.0.1:${sshd.port}${sshd.podmanSocket}`);
  await page.getByTestId('add-host-submit').click();
  await expect(page.getByTestId('add-host-dialog')).toHaveCount(0);

  // The name is shown as text; the card waits for the key to be compared.
  const card = page.locator('[data-testid^="host-"]', { hasText: 'loopback <b>arm</b>' }).first();
  await expect(card.getByTestId('host-state')).toHaveText('Key not confirmed');
  await expect(card.getByTestId('host-fingerprint')).toHaveText(sshd.fingerprint);
  hostId = ((await card.getAttribute('data-testid')) ?? '').replace(/^host-/, '');

  await card.getByTestId('confirm-host-key').click();
  await expect(card.getByTestId('host-state')).toHaveText('Connected', { timeout: 20_000 });
  await expect(card.getByTestId('host-arch')).toHaveText(OCI_ARCH[machine()] ?? machine());
  await expect(card).toContainText('(pinned)');

  // The host goes away behind a working sshd: marked down, and back once podman is.
  await sshd.stopPodman();
  await expect(card.getByTestId('host-state')).toHaveText('Down', { timeout: 30_000 });
  await sshd.startPodman();
  await expect(card.getByTestId('host-state')).toHaveText('Connected', { timeout: 60_000 });

  await card.getByTestId('remove-host').click();
  await card.getByTestId('confirm-remove-host').click();
  await expect(card).toHaveCount(0);
  hostId = null;
});
