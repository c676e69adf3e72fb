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

test('the ELF inspector tells a shared library from a program, and says what it could not read', async ({
  page,
}) => {
  await page.goto(`/emulators?token=${daemonToken()}`);
  const input = page.getByTestId('elf-input');
  const report = page.getByTestId('elf-report');
  const kind = page.getByTestId('elf-kind');
  const loader = page.getByTestId('elf-loader');

  // hello.c linked with -shared by Debian's aarch64 cross compiler.
  await input.setInputFiles('../server/test/fixtures/elf/hello-aarch64-shared.head');
  await expect(kind).toHaveText('shared library');
  await expect(report).toContainText('it is not run by itself');
  await expect(loader).toHaveCount(0);

  // glibc's libc.so.6 for arm64, from the cross C library scripts/build-probes.sh installs: its
  // loader path and its dynamic section lie past the first MiB, all that the UI sends.
  await input.setInputFiles('/usr/aarch64-linux-gnu/lib/libc.so.6');
  await expect(loader).toHaveText(
    'Needed, but its path (PT_INTERP) lies past the first 1 MiB, the part sent',
  );
  await expect(kind).toHaveText(
    'dynamically linked program or shared library — undecided: the PIE flag in its dynamic section lies past the first 1 MiB, the part sent',
  );
  await expect(report).toContainText('the kernel hands it to qemu-aarch64');

  // What the file says is shown as text, never as markup.
  const fixture = await readFile('../server/test/fixtures/elf/hello-aarch64-dynamic.head');
  const marked = Buffer.from(fixture);
  // readelf -l: INTERP at 0x238, 0x1b bytes.
  marked.fill(0, 0x238, 0x238 + 0x1b).write('/lib/<i>ld</i>.so', 0x238, 'latin1');
  await input.setInputFiles({
    name: '<b>marked</b>',
    mimeType: 'application/octet-stream',
    buffer: marked,
  });
  await expect(loader).toHaveText('/lib/<i>ld</i>.so');
  await expect(report).toContainText('<b>marked</b>');
  await expect(report.locator('i, b')).toHaveCount(0);
});
