import { expect, test, type Page } from '@playwright/test';
import type { ImageSummary } from '@archdeck/shared';
import { auth, createContainer } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { expectReachable, pageOverflowsSideways, scrollWindowTo } from '../fixtures/layout';

const name = `archdeck-e2e-narrow-${Date.now()}`;

/** A tablet in portrait (the sidebar still shows) and a phone. */
const viewports = [
  { width: 800, height: 900 },
  { width: 390, height: 844 },
];

test.beforeAll(async ({ request }) => {
  await createContainer(request, name);
});

test.afterAll(async ({ request }) => {
  await request.delete(`/api/containers/${name}`, { headers: auth() });
});

/** The table's own scroll box must not hide anything sideways either. */
const tableOverflowsSideways = (page: Page, testId: string) =>
  page
    .getByTestId(testId)
    .evaluate((table) => table.parentElement!.scrollWidth > table.parentElement!.clientWidth);

for (const viewport of viewports) {
  test(`at ${viewport.width} px a container's state and actions are on screen`, async ({
    page,
  }) => {
    await page.setViewportSize(viewport);
    await page.goto(`/containers?token=${daemonToken()}`);
    const row = page.getByTestId(`container-row-${name}`);
    await expect(page.getByTestId(`container-state-${name}`)).toHaveText('running');
    await scrollWindowTo(row);

    await expectReachable(page.getByTestId(`container-state-${name}`));
    await expectReachable(page.getByTestId(`container-action-stop-${name}`));
    await expectReachable(page.getByTestId(`container-action-remove-${name}`));
    // Where the platform went when its column did not fit: it is still shown.
    await expect(row).toContainText('linux/arm64');
    expect(await tableOverflowsSideways(page, 'containers-list')).toBe(false);
    expect(await pageOverflowsSideways(page)).toBe(false);

    // Removing asks first; its confirmation fits too.
    await page.getByTestId(`container-action-remove-${name}`).click();
    await expectReachable(page.getByTestId(`container-action-remove-confirm-${name}`));
    expect(await pageOverflowsSideways(page)).toBe(false);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId(`container-action-remove-confirm-${name}`)).toHaveCount(0);
  });

  test(`at ${viewport.width} px an image's platform and delete button are on screen`, async ({
    page,
    request,
  }) => {
    const images = (await (
      await request.get('/api/images', { headers: auth() })
    ).json()) as ImageSummary[];
    const image = images.find((i) => i.platform === 'linux/arm64')!;

    await page.setViewportSize(viewport);
    await page.goto(`/images?token=${daemonToken()}`);
    const row = page.getByTestId(`image-row-${image.shortId}`);
    await expect(row).toBeVisible();
    await scrollWindowTo(row);

    // Shown in its column or, when that does not fit, under the name: whichever shows.
    await expectReachable(row.getByText('linux/arm64').filter({ visible: true }));
    await expectReachable(row.getByText(/emulated via qemu-aarch64/).filter({ visible: true }));
    await expectReachable(page.getByTestId(`image-delete-${image.shortId}`));
    expect(await tableOverflowsSideways(page, 'images-list')).toBe(false);
    expect(await pageOverflowsSideways(page)).toBe(false);

    await page.getByTestId(`image-delete-${image.shortId}`).click();
    await expectReachable(page.getByTestId(`image-delete-confirm-${image.shortId}`));
    await page.keyboard.press('Escape');
  });
}

test('on a phone every page of the navigation is on screen, whichever is open', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/manifests?token=${daemonToken()}`);
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  await expect(links).toHaveCount(8);
  for (const link of await links.all()) await expectReachable(link);
});
