import { expect, test } from '@playwright/test';
import type { ImageSummary } from '@archdeck/shared';
import { auth, createContainer } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { importImage, removeImages } from '../fixtures/podman';

const stamp = Date.now();

test('the first Tab reaches "Skip to main content", which skips the navigation', async ({
  page,
}) => {
  await page.goto(`/containers?token=${daemonToken()}`);
  await expect(page.getByTestId('run-open')).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  // The first control of the page itself, not the navigation.
  await expect(page.getByTestId('run-open')).toBeFocused();
});

test('after Run, focus is on the new container’s heading; after Remove, on the list’s', async ({
  page,
  request,
}) => {
  const name = `archdeck-e2e-focus-run-${stamp}`;
  try {
    await page.goto(`/containers?token=${daemonToken()}`);
    await page.getByTestId('run-open').focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('run-image')).toBeFocused();
    await page.keyboard.type(process.env.ARCHDECK_TEST_IMAGE!);
    await page.keyboard.press('Enter');
    await expect(page.locator('[data-testid^="run-platform-"]').first()).toBeVisible();
    await page.getByTestId('run-cmd').fill('sleep 600');
    await page.getByTestId('run-name').fill(name);
    await page.getByTestId('run-submit').focus();
    await page.keyboard.press('Enter');

    await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
    const heading = page.getByRole('heading', { level: 1, name });
    await expect(heading).toBeFocused();
    // From there, Tab carries on through the page, not from the top of the document.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.closest('main') !== null)).toBe(true);

    await page.getByTestId('container-action-remove').focus();
    await page.keyboard.press('Enter');
    // The confirmation starts on Keep; Remove is next to it.
    await page.keyboard.press('Tab');
    await expect(page.getByTestId('container-action-remove-confirm')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/containers$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Containers' })).toBeFocused();
  } finally {
    // Gone already when the test passed; left running when it did not.
    await request.delete(`/api/containers/${name}`, { headers: auth() });
  }
});

test('removing a container from the list puts focus on the row that takes its place', async ({
  page,
  request,
}) => {
  const names = ['a', 'b'].map((x) => `archdeck-e2e-focus-${x}-${stamp}`);
  for (const name of names) await createContainer(request, name);
  try {
    await page.goto(`/containers?token=${daemonToken()}`);
    for (const name of names) await expect(page.getByTestId(`container-row-${name}`)).toBeVisible();
    // Rows are newest first: b, then a, then whatever else there is.
    const rows = await page
      .locator('[data-testid^="container-row-"]')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')!.slice(14)));
    const [first] = names.map((n) => rows.indexOf(n)).sort((x, y) => x - y);
    const removed = rows[first!]!;
    const next = rows[first! + 1]!;

    await page.getByTestId(`container-action-remove-${removed}`).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    await expect(page.getByTestId(`container-action-remove-confirm-${removed}`)).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(`container-row-${removed}`)).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId(`container-row-${next}`).getByRole('link')).toBeFocused();
  } finally {
    for (const name of names) await request.delete(`/api/containers/${name}`, { headers: auth() });
  }
});

test('deleting an image puts focus on the next image, and on the heading once none is left', async ({
  page,
  request,
}) => {
  const refs = ['a', 'b'].map((x) => `localhost/archdeck-e2e-focus-${x}:${stamp}`);
  for (const ref of refs) importImage(ref);
  try {
    const images = (await (
      await request.get('/api/images', { headers: auth() })
    ).json()) as ImageSummary[];
    const [a, b] = refs.map((ref) => images.find((i) => i.repoTags.includes(ref))!);

    await page.goto(`/images?token=${daemonToken()}`);
    // Filtered to the two, so the last one's deletion empties the list.
    await page.getByRole('searchbox').fill(String(stamp));
    for (const image of [a!, b!]) {
      await expect(page.getByTestId(`image-row-${image.shortId}`)).toBeVisible();
    }

    const remove = async (image: ImageSummary) => {
      await page.getByTestId(`image-delete-${image.shortId}`).focus();
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      await expect(page.getByTestId(`image-delete-confirm-${image.shortId}`)).toBeFocused();
      await page.keyboard.press('Enter');
      await expect(page.getByTestId(`image-row-${image.shortId}`)).toHaveCount(0);
    };
    await remove(a!);
    await expect(
      page.getByTestId(`image-row-${b!.shortId}`).getByRole('button').first(),
    ).toBeFocused();
    await remove(b!);
    await expect(page.getByRole('heading', { level: 1, name: 'Images' })).toBeFocused();
  } finally {
    removeImages(refs[0]!);
    removeImages(refs[1]!);
  }
});
