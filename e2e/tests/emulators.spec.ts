import { expect, test } from '@playwright/test';
import { randomBytes } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { daemonToken } from '../fixtures/daemon';

const PROC = '/proc/sys/fs/binfmt_misc';
const NAME = `archdeck-e2e-${randomBytes(4).toString('hex')}`;

test.afterAll(async () => {
  if ((await readdir(PROC)).includes(NAME)) await writeFile(`${PROC}/${NAME}`, '-1');
});

test('toggling a handler in the UI changes the kernel state', async ({ page, request }) => {
  const res = await request.post('/api/emulators', {
    headers: { authorization: `Bearer ${daemonToken()}` },
    data: {
      platform: 'linux/riscv64',
      interpreter: '/usr/libexec/qemu-binfmt/riscv64-binfmt-P',
      flags: 'POF',
      name: NAME,
    },
  });
  expect(res.status()).toBe(201);

  await page.goto(`/emulators?token=${daemonToken()}`);
  const card = page.getByTestId(`emulator-${NAME}`);
  await expect(card).toBeVisible();
  await expect(page.getByTestId(`emulator-verdict-${NAME}`)).toContainText(/container-ready/i);

  const toggle = page.getByTestId(`emulator-toggle-${NAME}`);
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await toggle.click();
  await expect.poll(() => readFile(`${PROC}/${NAME}`, 'utf8')).toMatch(/^disabled$/m);
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByTestId(`emulator-verdict-${NAME}`)).toContainText(/disabled/i);

  await toggle.click();
  await expect.poll(() => readFile(`${PROC}/${NAME}`, 'utf8')).toMatch(/^enabled$/m);

  await page.getByTestId(`emulator-remove-${NAME}`).click();
  await page.getByTestId(`emulator-remove-confirm-${NAME}`).click();
  await expect.poll(async () => (await readdir(PROC)).includes(NAME)).toBe(false);
  await expect(card).toHaveCount(0);
});

test('the ELF inspector explains a foreign dynamic binary', async ({ page }) => {
  await page.goto(`/emulators?token=${daemonToken()}`);
  await page.getByRole('tab', { name: /^ELF inspector/ }).click();
  // A real aarch64 binary built by Debian's cross compiler (scripts/make-elf-fixtures.sh).
  await page
    .getByTestId('elf-input')
    .setInputFiles('../server/test/fixtures/elf/hello-aarch64-dynamic.head');
  const report = page.getByTestId('elf-report');
  await expect(report).toContainText('/lib/ld-linux-aarch64.so.1');
  await expect(report).toContainText('qemu-aarch64');
  await expect(report).toContainText('linux/arm64');
});
