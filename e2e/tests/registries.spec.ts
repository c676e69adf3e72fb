import { expect, test } from '@playwright/test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPrivateDaemon } from '../fixtures/private-daemon';
import { Cleanup, copyImage, startRegistry } from '../../server/test/registries/test-registries';

// Ports of this journey's own: an htpasswd registry and a daemon whose podman reads its logins.
const REGISTRY = '127.0.0.1:5141';
const DAEMON_PORT = 5142;
const ALICE = { username: 'alice', password: 'e2e-Wonderland-7' };
const IMAGE = `${REGISTRY}/team/busybox:1.36`;

const cleanup = new Cleanup();
let daemon: { base: string; token: string };

test.beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'archdeck-e2e-registries-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  await startRegistry(cleanup, { port: 5141, dir, htpasswd: ALICE });
  await copyImage(process.env.ARCHDECK_TEST_IMAGE!, IMAGE, {
    plainHttp: true,
    creds: `${ALICE.username}:${ALICE.password}`,
  });
  const registriesConf = join(dir, 'registries.conf');
  await writeFile(registriesConf, `[[registry]]\nlocation = "${REGISTRY}"\ninsecure = true\n`);
  daemon = await startPrivateDaemon(cleanup, { port: DAEMON_PORT, dir, registriesConf });
});

test.afterAll(() => cleanup.runAll());

test('log in to an htpasswd registry on the Registries page (a wrong password first), then pull from it', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto(`${daemon.base}/registries?token=${daemon.token}`);
  const row = page.getByTestId(`registry-row-${REGISTRY}`);
  await expect(row).toContainText('insecure');
  await expect(row).toContainText('not logged in');

  // Before the login, the lookup says so and points here.
  await page.getByRole('link', { name: 'Images' }).click();
  await page.getByTestId('pull-open').click();
  // No Enter: once the lookup has answered, Enter submits, and on a loaded machine the lookup
  // that typing starts can answer before the key is pressed.
  await page.getByTestId('pull-ref').fill(IMAGE);
  await expect(page.getByTestId('pull-lookup-error')).toContainText('authentication required');
  await page.getByTestId('pull-login-link').click();
  await expect(page).toHaveURL(/\/registries$/);

  await page.getByTestId(`registry-login-${REGISTRY}`).click();
  const dialog = page.getByTestId('registry-login-dialog');
  await expect(page.getByTestId('registry-login-registry')).toHaveValue(REGISTRY);
  await page.getByTestId('registry-login-username').fill(ALICE.username);
  await page.getByTestId('registry-login-password').fill('not-the-password');
  await page.getByTestId('registry-login-submit').click();
  const error = page.getByTestId('registry-login-error');
  await expect(error).toContainText('The registry refused the login');
  // The registry's own words.
  await expect(error).toContainText(
    `${REGISTRY} refused the login of "alice": authentication required`,
  );
  await expect(dialog).toBeVisible();

  await page.getByTestId('registry-login-password').fill(ALICE.password);
  await page.getByTestId('registry-login-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('registry-login-done')).toContainText(
    `Logged in to ${REGISTRY} as alice`,
  );
  await expect(row).toContainText('alice');
  await expect(page.getByTestId(`registry-logout-${REGISTRY}`)).toBeVisible();
  await expect(page.locator('body')).not.toContainText(ALICE.password);

  // podman reads the same auth.json: the pull goes through.
  await page.getByRole('link', { name: 'Images' }).click();
  await page.getByTestId('pull-open').click();
  await page.getByTestId('pull-ref').fill(IMAGE);
  await page.getByTestId('pull-platform-linux-arm64').click();
  await page.getByTestId('pull-submit').click();
  await expect(page.getByTestId('pull-state')).toContainText(/succeeded/i, { timeout: 90_000 });
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('images-list')).toContainText(`${IMAGE}-arm64`);
});
