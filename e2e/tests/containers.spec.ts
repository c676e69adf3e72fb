import { expect, test } from '@playwright/test';
import type { ContainerSummary } from '@archdeck/shared';
import { daemonToken } from '../fixtures/daemon';

const auth = () => ({ authorization: `Bearer ${daemonToken()}` });

test('one click runs BusyBox as s390x: progress, live logs with the foreign arch, stop and remove', async ({
  page,
  request,
}) => {
  await page.goto(`/containers?token=${daemonToken()}`);
  await page.getByTestId('preset-busybox-s390x').click();

  // Pull progress, then the container page with its live log.
  await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
  await expect(page.getByTestId('log-view')).toContainText('running on s390x');
  await expect(page.getByTestId('container-header-badge')).toContainText('qemu-s390x');
  await expect(page.getByTestId('container-header-state')).toContainText(/running/i);

  await page.getByTestId('container-action-stop').click();
  await expect(page.getByTestId('container-header-state')).toContainText(/exited/i, {
    timeout: 30_000,
  });
  await expect(page.getByTestId('log-end')).toBeVisible();

  const id = page.url().split('/').pop()!;
  const { name } = (await (
    await request.get(`/api/containers/${id}`, { headers: auth() })
  ).json()) as ContainerSummary;

  // The list follows the event stream: removing updates it without a reload.
  await page.getByRole('link', { name: 'Containers' }).first().click();
  await expect(page.getByTestId(`container-state-${name}`)).toHaveText('exited');
  await page.getByTestId(`container-action-remove-${name}`).click();
  await page.getByTestId(`container-action-remove-confirm-${name}`).click();
  await expect(page.getByTestId(`container-row-${name}`)).toHaveCount(0);
  expect((await request.get(`/api/containers/${id}`, { headers: auth() })).status()).toBe(404);
});

test('a container started elsewhere appears in the open list without a reload', async ({
  page,
  request,
}) => {
  await page.goto(`/containers?token=${daemonToken()}`);
  await expect(page.getByTestId('presets')).toBeVisible();
  const name = `archdeck-e2e-${Date.now()}`;
  const res = await request.post('/api/containers', {
    headers: auth(),
    data: {
      image: process.env.ARCHDECK_TEST_IMAGE,
      platform: 'linux/arm64',
      cmd: ['uname', '-m'],
      name,
    },
  });
  expect(res.status()).toBe(201);
  await expect(page.getByTestId(`container-row-${name}`)).toBeVisible();
  await expect(page.getByTestId(`container-state-${name}`)).toHaveText('exited', {
    timeout: 30_000,
  });
  await request.delete(`/api/containers/${name}`, { headers: auth() });
  await expect(page.getByTestId(`container-row-${name}`)).toHaveCount(0);
});
