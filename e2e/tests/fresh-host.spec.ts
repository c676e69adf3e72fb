import { expect, test } from '@playwright/test';
import { withoutHandlers } from '../fixtures/binfmt';
import { daemonToken } from '../fixtures/daemon';

/**
 * A fresh host: qemu-user-static installed, nothing registered (no systemd-binfmt did it). The
 * Host page says so and fixes it in one click, and a foreign-arch container then runs.
 */
test('no handlers: the Host page offers Register emulators; then busybox runs as arm64', async ({
  page,
}) => {
  await withoutHandlers(async () => {
    await page.goto(`/?token=${daemonToken()}`);
    const problem = page.getByTestId('problem-binfmt-no-entries');
    await expect(problem).toBeVisible();
    // qemu-user-static is installed here: the page must not send the user to install it.
    await expect(problem).toContainText(/qemu-user is installed/);
    await expect(problem).not.toContainText(/apt-get install/);
    await problem.getByTestId('fix-register-emulators').click();
    await expect(problem).toHaveCount(0);

    await page.getByRole('link', { name: 'Containers' }).first().click();
    await page.getByTestId('run-open').click();
    await page.getByTestId('run-image').fill(process.env.ARCHDECK_TEST_IMAGE!);
    await page.getByTestId('run-image').press('Tab');
    await page.getByTestId('run-platform-linux-arm64').check();
    await page.getByTestId('run-cmd').fill('uname -m');
    await page.getByTestId('run-submit').click();
    await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
    await expect(page.getByTestId('log-view')).toContainText('aarch64');
  });
});
