import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { machine } from 'node:os';
import { join } from 'node:path';
import { E2E_DATA_DIR, daemonToken } from '../fixtures/daemon';

const OCI_ARCH: Record<string, string> = {
  x86_64: 'amd64',
  aarch64: 'arm64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
};
const podmanVersion = execFileSync('podman', ['--version'], { encoding: 'utf8' })
  .trim()
  .split(' ')
  .pop()!;

test('the tokened URL signs in and lands on the Host page with the real host and podman', async ({
  page,
}) => {
  await page.goto(`/?token=${daemonToken()}`);
  // The token is traded for a cookie and dropped from the address bar.
  await expect(page).not.toHaveURL(/token=/);
  await expect(page.getByTestId('host-arch')).toHaveText(OCI_ARCH[machine()] ?? machine());
  await expect(page.getByTestId('host-machine')).toContainText(machine());
  await expect(page.getByTestId('podman-version')).toHaveText(podmanVersion);

  // The session survives a reload without the token.
  await page.reload();
  await expect(page.getByTestId('podman-version')).toHaveText(podmanVersion);
});

test('without the token the login prompt appears, and refuses a wrong token', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('login-prompt')).toBeVisible();
  await expect(page.getByTestId('host-arch')).toHaveCount(0);

  // It says where this daemon keeps its token, as the daemon words it.
  const tokenFile = join(E2E_DATA_DIR, 'token');
  await expect(page.getByTestId('login-prompt')).toContainText(tokenFile);

  await page.getByTestId('login-token').fill('not-the-token');
  await page.getByTestId('login-token').press('Enter');
  await expect(page.getByTestId('login-error')).toContainText('not right');
  await expect(page.getByTestId('login-error')).toContainText(tokenFile);
  await expect(page.getByTestId('login-token')).toHaveAttribute('aria-invalid', 'true');

  await page.getByTestId('login-token').fill(daemonToken());
  await page.getByTestId('login-submit').click();
  await expect(page.getByTestId('host-arch')).toHaveText(OCI_ARCH[machine()] ?? machine());
});

test('a link with a wrong token says it was not accepted and where the right one is', async ({
  page,
}) => {
  await page.goto('/containers?token=an-old-token');
  await expect(page.getByTestId('login-prompt')).toBeVisible();
  await expect(page.getByTestId('login-link-rejected')).toContainText(/not accepted/i);
  await expect(page.getByTestId('login-prompt')).toContainText(join(E2E_DATA_DIR, 'token'));
  // Neither the token nor the flag stays in the address; a reload is a plain login again.
  await expect(page).toHaveURL(/\/containers$/);
  await page.reload();
  await expect(page.getByTestId('login-prompt')).toBeVisible();
  await expect(page.getByTestId('login-link-rejected')).toHaveCount(0);

  // The right link from there signs in, on the page it was for.
  await page.goto(`/containers?token=${daemonToken()}`);
  await expect(page.getByRole('heading', { level: 1, name: 'Containers' })).toBeVisible();
});
