import { expect, test } from '@playwright/test';
import type { ContainerSummary } from '@archdeck/shared';
import { auth } from '../fixtures/api';
import { withHandler } from '../fixtures/binfmt';
import { daemonToken } from '../fixtures/daemon';

/**
 * Emulated CPU models in the Run dialog, and the per-platform config comparison of the Pull
 * dialog: the models the daemon checked against qemu, the one suggested, what each gives, what
 * is not offered and why; a run with a chosen model, shown on the container's page.
 */
test('Run dialog: arm64 suggests the fast max; a Cortex-A53 run gets QEMU_CPU and says so on its page', async ({
  page,
  request,
}) => {
  await withHandler('aarch64', async () => {
    await page.goto(`/containers?token=${daemonToken()}`);
    await page.getByTestId('run-open').click();
    await page.getByTestId('run-image').fill(process.env.ARCHDECK_TEST_IMAGE!);
    await page.getByTestId('run-image').press('Tab');

    // A platform this host runs itself takes no model.
    await page.getByTestId('run-platform-linux-amd64').check();
    await expect(page.getByTestId('run-cpu-native')).toContainText('runs natively on this host');
    await expect(page.getByTestId('run-cpu')).toHaveCount(0);

    // ppc64le: no max, and the dialog says why.
    await page.getByTestId('run-platform-linux-ppc64le').check();
    const cpu = page.getByTestId('run-cpu');
    await expect(cpu).toHaveValue('');
    await expect(cpu.locator('option')).toHaveText([/Default \(POWER9\)/, /POWER8/, /POWER10/]);
    const rejected = page.getByTestId('run-cpu-rejected');
    await rejected.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect(rejected).toContainText('no CPU model named “max”');

    // arm64: the fast max preselected, its speed note; then a Cortex-A53 chosen by keyboard.
    await page.getByTestId('run-platform-linux-arm64').check();
    await expect(cpu).toHaveValue('max,pauth-impdef=on');
    await expect(page.getByTestId('run-cpu-detail')).toContainText('paca pacg');
    await expect(page.getByTestId('run-cpu-detail')).toContainText('fastest choice');
    await cpu.focus();
    await cpu.selectOption('cortex-a53');
    await expect(page.getByTestId('run-cpu-detail')).toContainText('Armv8.0-A');
    await expect(page.getByTestId('run-cpu-detail')).not.toContainText('paca');

    await page.getByTestId('run-cmd').fill(`sh -c 'echo "model=$QEMU_CPU"; uname -m'`);
    await page.getByTestId('run-submit').click();
    await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
    await expect(page.getByTestId('log-view')).toContainText('model=cortex-a53');
    await expect(page.getByTestId('log-view')).toContainText('aarch64');
    await expect(page.getByTestId('container-header-cpu')).toContainText('Cortex-A53');

    const id = page.url().split('/').pop()!;
    const c = (await (
      await request.get(`/api/containers/${id}`, { headers: auth() })
    ).json()) as ContainerSummary;
    expect(c.cpu).toEqual({ value: 'cortex-a53', title: expect.stringContaining('Cortex-A53') });
    await request.delete(`/api/containers/${id}`, { headers: auth() });
  });
});

test('Pull dialog: Compare platforms lines the configs up; Esc closes only the comparison', async ({
  page,
}) => {
  await page.goto(`/images?token=${daemonToken()}`);
  await page.getByTestId('pull-open').click();
  await page.getByTestId('pull-ref').fill(process.env.ARCHDECK_TEST_IMAGE!);
  await page.getByTestId('pull-ref').press('Enter');

  const open = page.getByTestId('compare-platforms');
  await open.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('compare-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('compare-summary')).toHaveText(
    /lines differ between the 4 platforms|4 platforms agree/,
  );
  const table = page.getByTestId('compare-table');
  // A column per platform, after the field names.
  await expect(table.locator('thead th')).toHaveCount(5);
  await expect(table.locator('thead')).toContainText('linux/s390x');

  // Every line, not only those that differ.
  const only = page.getByTestId('compare-only-differences');
  const before = await table.locator('tbody tr').count();
  await only.focus();
  await page.keyboard.press('Space');
  await expect(table.locator('tbody tr')).not.toHaveCount(before);
  await expect(table.getByRole('rowheader', { name: /^Entrypoint/ })).toBeVisible();

  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('pull-dialog')).toBeVisible();
  await expect(open).toBeFocused();
});
