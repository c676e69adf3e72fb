import { expect, test } from '@playwright/test';
import type { LaunchJob } from '@archdeck/shared';
import { auth } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { registryRepo } from '../../server/test/registry-push';
import { startThrottledProxy } from '../../server/test/throttle-proxy';

test.use({ viewport: { width: 390, height: 844 } });

test('a run whose image is pulled: progress in view on a phone, closed, followed and cancelled from the Containers page', async ({
  page,
  request,
}) => {
  // An image of the test's own behind a registry that trickles: the pull takes long enough.
  const registry = process.env.ARCHDECK_TEST_REGISTRY!;
  const spare = process.env.ARCHDECK_TEST_SPARE_REGISTRY!;
  const repository = `archdeck-e2e-launch-${Date.now()}`;
  const repo = registryRepo(registry, repository);
  await repo.index('v1', [await repo.image('arm64', 4)]);
  const slow = await startThrottledProxy({ listen: spare, upstream: registry, bytesPerTick: 1024 });
  try {
    const ref = `${spare}/${repository}:v1`;
    await page.goto(`/containers?token=${daemonToken()}`);
    await page.getByTestId('run-open').click();
    await page.getByTestId('run-image').fill(ref);
    await page.getByTestId('run-image').press('Tab');
    await page.getByTestId('run-platform-linux-arm64').check();
    await page.getByTestId('run-submit').click();

    // The pull's progress is where the user looks, whole, however long the form or the name.
    const progress = page.getByTestId('launch-progress');
    await expect(progress).toBeInViewport({ ratio: 1 });
    await expect(progress.getByText(ref, { exact: true })).toBeInViewport({ ratio: 1 });
    await expect(
      page.getByRole('dialog').getByRole('progressbar', { name: `Pulling ${ref} for linux/arm64` }),
    ).toBeVisible();
    // Closing leaves the run to the daemon, and the button says so.
    // (The footer's button, by its text: the dialog's ✕ is named Close too.)
    await page.getByRole('dialog').getByText('Close', { exact: true }).click();
    await expect(page.getByRole('dialog')).toHaveCount(0);

    // The Containers page shows it while it pulls, with a way to stop it.
    const launches = page.getByRole('region', { name: 'Starting' });
    await expect(launches).toContainText(`Pulling ${ref} as linux/arm64`);
    const listed = (await (
      await request.get('/api/launches', { headers: auth() })
    ).json()) as LaunchJob[];
    const launch = listed.find((l) => l.request.image === ref)!;
    expect(launch.state).toBe('running');
    await page.getByTestId(`launch-cancel-${launch.id}`).click();
    await expect(launches).toHaveCount(0);
    const after = (await (
      await request.get(`/api/launches/${launch.id}`, { headers: auth() })
    ).json()) as LaunchJob;
    expect(after).toMatchObject({
      state: 'cancelled',
      containerId: null,
      pull: { state: 'cancelled' },
    });
  } finally {
    await slow.close();
  }
});
