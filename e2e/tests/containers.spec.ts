import { expect, test, type Page } from '@playwright/test';
import type { ContainerSummary, PullJob } from '@archdeck/shared';
import { auth, createContainer } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { removeImages } from '../fixtures/podman';

/** Records every text the launch's pull progress shows, however briefly. */
async function recordPullProgress(page: Page) {
  await page.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __progress: string[] }).__progress = []);
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="launch-progress"]')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
}

const pullProgress = (page: Page) =>
  page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);

test('one click runs BusyBox as s390x: progress, live logs with the foreign arch, stop and remove', async ({
  page,
  request,
}) => {
  // Not local, so the click pulls it first: what the progress showed is recorded as it comes
  // (from the loopback registry it may last less than a poll of the DOM).
  removeImages(process.env.ARCHDECK_TEST_IMAGE!, ['', '-s390x']);
  await recordPullProgress(page);
  await page.goto(`/containers?token=${daemonToken()}`);
  await page.getByTestId('preset-busybox-s390x').click();

  // Pull progress, then the container page with its live log.
  await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
  expect((await pullProgress(page)).join('\n')).toMatch(/Pulling .*busybox.* for linux\/s390x/);
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
  await createContainer(request, name, ['uname', '-m']);
  await expect(page.getByTestId(`container-row-${name}`)).toBeVisible();
  await expect(page.getByTestId(`container-state-${name}`)).toHaveText('exited', {
    timeout: 30_000,
  });
  await request.delete(`/api/containers/${name}`, { headers: auth() });
  await expect(page.getByTestId(`container-row-${name}`)).toHaveCount(0);
});

test('a preset whose image is local opens its logs without pulling it again', async ({
  page,
  request,
}) => {
  // Made local first (a pull only if it is not local already).
  const pull = await request.post('/api/pulls', {
    headers: auth(),
    data: { ref: process.env.ARCHDECK_TEST_IMAGE, platform: 'linux/arm64', policy: 'missing' },
  });
  const job = (await pull.json()) as PullJob;
  // 200: local already; 202: pulling, until it is.
  if (pull.status() === 202) {
    await expect
      .poll(
        async () =>
          (
            (await (
              await request.get(`/api/pulls/${job.id}`, { headers: auth() })
            ).json()) as PullJob
          ).state,
        { timeout: 60_000 },
      )
      .toBe('succeeded');
  } else expect(job.state).toBe('succeeded');
  await recordPullProgress(page);
  await page.goto(`/containers?token=${daemonToken()}`);
  await page.getByTestId('preset-busybox-arm64').click();
  await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
  await expect(page.getByTestId('log-view')).toContainText('running on aarch64');
  expect(await pullProgress(page)).toEqual([]);
  const id = page.url().split('/').pop()!;
  await request.delete(`/api/containers/${id}`, { headers: auth() });
});
