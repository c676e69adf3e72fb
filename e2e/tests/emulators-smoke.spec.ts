import { expect, test } from '@playwright/test';
import { daemonToken } from '../fixtures/daemon';

// The probe is the committed server/probes/bin/probe-arm64; arm64 runs under the
// qemu-aarch64 handler the test environment registers.
test('testing arm64 from the Emulators page shows a pass, its time and what the probe saw', async ({
  page,
}) => {
  await page.goto(`/emulators?token=${daemonToken()}`);
  await page.getByRole('tab', { name: /^Smoke tests/ }).click();
  const result = page.getByTestId('emulator-test-result-arm64');
  await expect(page.getByTestId('emulators-test-all')).toBeVisible();

  await page.getByTestId('emulator-test-arm64').click();
  await expect(result).toContainText('Passed', { timeout: 30_000 });
  await expect(result).toContainText(/\d+(\.\d)? m?s/);
  await expect(result).toContainText('machine=aarch64 bits=64 endian=little');

  // The daemon keeps the result: a reload still shows it.
  await page.reload();
  await expect(result).toContainText('Passed');
});
