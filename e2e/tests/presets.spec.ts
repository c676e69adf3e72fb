import { expect, test, type Page } from '@playwright/test';
import type { Emulators, Preset, RemotePlatforms } from '@archdeck/shared';
import { auth } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';

const image = () => process.env.ARCHDECK_TEST_IMAGE!;
const archId = (platform: string) => platform.replace(/^linux\//, '').replaceAll('/', '-');

/** The platforms a preset's Run buttons offer, as `arm64`, `s390x`, …. */
async function offered(page: Page, id: string): Promise<string[]> {
  const buttons = page.getByTestId(`preset-${id}`).getByRole('list', { name: /^Run / });
  const ids = await buttons
    .locator('[data-testid]')
    .evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')!));
  return ids.map((testId) => testId.slice(`preset-${id}-`.length)).sort();
}

test('a preset added in the UI is offered as the platforms its index lists, runs as arm64, is edited and removed', async ({
  page,
  request,
}) => {
  const stamp = Date.now();
  const title = `BusyBox e2e ${stamp}`;
  const id = `busybox-e2e-${stamp}`;
  await page.goto(`/containers?token=${daemonToken()}`);

  // Added through the dialog: the id follows the title, the command is split as a shell would.
  await page.getByTestId('preset-add').click();
  const dialog = page.getByTestId('preset-dialog');
  await expect(page.getByTestId('preset-title')).toBeFocused();
  await page.getByTestId('preset-title').fill(title);
  await expect(page.getByTestId('preset-id')).toHaveValue(id);
  await page.getByTestId('preset-image').fill(image());
  await page.getByTestId('preset-cmd').fill(`sh -c 'uname -m; sleep 600'`);
  await expect(page.getByTestId('preset-argv').getByRole('listitem')).toHaveText([
    'sh',
    '-c',
    'uname -m; sleep 600',
  ]);
  await page.getByTestId('preset-submit').click();
  await expect(dialog).toHaveCount(0);

  // Offered only as what the index lists and this host runs: not as a platform this host runs
  // that the index does not list, however the host's handlers are arranged.
  const [emulators, remote] = await Promise.all([
    request.get('/api/emulators', { headers: auth() }).then((r) => r.json() as Promise<Emulators>),
    request
      .get(`/api/registries/platforms?ref=${encodeURIComponent(image())}`, { headers: auth() })
      .then((r) => r.json() as Promise<RemotePlatforms>),
  ]);
  const listed = new Set(remote.platforms.map((p) => p.platform));
  const runs = [...emulators.summary.containers, emulators.hostPlatform];
  const expected = runs
    .filter((p) => listed.has(p))
    .map(archId)
    .sort();
  expect(expected).toContain('arm64');
  await expect(page.getByTestId(`preset-${id}-arm64`)).toBeVisible();
  expect(await offered(page, id)).toEqual(expected);
  for (const platform of runs.filter((p) => !listed.has(p))) {
    await expect(page.getByTestId(`preset-${id}-${archId(platform)}`)).toHaveCount(0);
  }

  // Run as arm64: the container's page, its first line from the emulated CPU.
  await page.getByTestId(`preset-${id}-arm64`).click();
  await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
  const containerId = page.url().split('/').pop()!;
  try {
    await expect(page.getByTestId('log-line').first()).toHaveText('aarch64');
    await expect(page.getByTestId('container-header-badge')).toContainText('qemu-aarch64');
  } finally {
    await request.delete(`/api/containers/${containerId}`, { headers: auth() });
  }

  // Edited: the dialog holds what was saved; Enter saves; the id stays.
  await page.getByRole('link', { name: 'Containers' }).first().click();
  await page.getByTestId(`preset-edit-${id}`).click();
  await expect(page.getByTestId('preset-title')).toHaveValue(title);
  await expect(page.getByTestId('preset-cmd')).toHaveValue(`sh -c 'uname -m; sleep 600'`);
  await expect(page.getByTestId('preset-id')).toHaveAttribute('readonly', '');
  await page.getByTestId('preset-cmd').fill('uname -a');
  await page.getByTestId('preset-title').fill(`${title} edited`);
  await page.getByTestId('preset-title').press('Enter');
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId(`preset-${id}`)).toContainText(`${title} edited`);
  await expect(page.getByTestId(`preset-${id}-arm64`)).toContainText(
    `Run ${title} edited as arm64`,
  );
  const saved = (
    (await (await request.get('/api/presets', { headers: auth() })).json()) as Preset[]
  ).find((p) => p.id === id)!;
  expect(saved.cmd).toEqual(['uname', '-a']);

  // Removed, after a confirmation; focus stays in the list.
  await page.getByTestId(`preset-remove-${id}`).click();
  await page.getByTestId(`preset-remove-confirm-${id}`).click();
  await expect(page.getByTestId(`preset-${id}`)).toHaveCount(0);
  await expect(page.locator('body')).not.toBeFocused();
  const after = (await (await request.get('/api/presets', { headers: auth() })).json()) as Preset[];
  expect(after.some((p) => p.id === id)).toBe(false);
});

test('a preset whose registry cannot be reached is offered unchecked, with the fix', async ({
  page,
  request,
}) => {
  const id = `alpine-e2e-${Date.now()}`;
  const res = await request.post('/api/presets', {
    headers: auth(),
    data: { id, title: `Alpine ${id}`, image: 'docker.io/library/alpine:3.20' },
  });
  expect(res.status()).toBe(201);
  try {
    await page.goto(`/containers?token=${daemonToken()}`);
    const note = page.getByTestId(`preset-index-${id}`);
    await expect(note).toContainText('Platforms not checked', { timeout: 30_000 });
    await expect(note).toContainText('cannot reach registry-1.docker.io');
    // The fix, said once for the presets of that registry.
    const title = `Alpine ${id}`;
    const fix = page.getByTestId('presets-fix').filter({ hasText: title });
    await expect(fix).toContainText('registries.conf');
    await expect(fix).toContainText('[[registry.mirror]]');
    await expect(fix).toContainText('local registry');
    // Every platform this host runs stays offered, this host's own among them.
    const emulators = (await (
      await request.get('/api/emulators', { headers: auth() })
    ).json()) as Emulators;
    await expect(page.getByTestId(`preset-${id}-${archId(emulators.hostPlatform)}`)).toBeVisible();
    // Check again asks the registry once more, and says the same.
    await fix.getByTestId('presets-fix-check').click();
    await expect(fix.getByTestId('presets-fix-check')).not.toHaveAttribute('aria-busy');
    await expect(note).toContainText('Platforms not checked');
  } finally {
    await request.delete(`/api/presets/${id}`, { headers: auth() });
  }
});
