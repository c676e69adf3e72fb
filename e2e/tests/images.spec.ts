import { expect, test } from '@playwright/test';
import type { PullJob } from '@archdeck/shared';
import { auth } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { removeImages } from '../fixtures/podman';
import { startSlowRegistry } from '../fixtures/slow-registry';

test('pull dialog: reference → platforms with badges → progress → the image is listed with its arch', async ({
  page,
}) => {
  const image = process.env.ARCHDECK_TEST_IMAGE!;
  removeImages(image, ['', '-arm64', '-ppc64le']);
  await page.goto(`/images?token=${daemonToken()}`);
  await page.getByTestId('pull-open').click();
  await page.getByTestId('pull-ref').fill(image);
  await page.getByTestId('pull-ref').press('Enter');
  // Each platform is a radio in a label that carries its run badge.
  const option = (id: string) => page.locator('label').filter({ has: page.getByTestId(id) });
  await expect(option('pull-platform-linux-amd64')).toContainText(/native/i);
  await expect(option('pull-platform-linux-arm64')).toContainText(/qemu-aarch64/i);
  await expect(option('pull-platform-linux-s390x')).toContainText(/qemu-s390x/i);
  await page.getByTestId('pull-platform-linux-arm64').click();
  await page.getByTestId('pull-submit').click();
  await expect(page.getByTestId('pull-state')).toContainText(/succeeded/i, { timeout: 60_000 });
  await page.keyboard.press('Escape');
  const list = page.getByTestId('images-list');
  await expect(list).toContainText(`${image}-arm64`);
  await expect(list).toContainText('arm64');
});

test('a running pull shows in its dialog and the pulls list over one stream; closing the tab does not cancel it', async ({
  browser,
  request,
}) => {
  const slow = await startSlowRegistry();
  try {
    removeImages(slow.ref, ['', '-arm64', '-ppc64le']);
    const context = await browser.newContext();
    const page = await context.newPage();
    const streams: string[] = [];
    page.on('request', (r) => {
      if (/\/api\/pulls\/[^/]+\/events$/.test(new URL(r.url()).pathname)) streams.push(r.url());
    });
    await page.goto(`/images?token=${daemonToken()}`);
    await page.getByTestId('pull-open').click();
    await page.getByTestId('pull-ref').fill(slow.ref);
    await page.getByTestId('pull-ref').press('Enter');
    await page.getByTestId('pull-platform-linux-ppc64le').click();
    await page.getByTestId('pull-submit').click();
    await expect(page.getByTestId('pull-state')).toContainText(/running/i);
    // The list behind the dialog follows the same job, sharing the dialog's connection.
    const row = page.locator('[data-testid^="pull-job-state-"]').first();
    await expect(row).toContainText(/running/i);
    // Counted once both have rendered, and again after a round trip through the daemon.
    expect(streams).toHaveLength(1);
    await page.evaluate(() => fetch('/api/pulls').then((r) => r.text()));
    expect(streams).toHaveLength(1);
    await context.close();

    const jobs = (await (await request.get('/api/pulls', { headers: auth() })).json()) as PullJob[];
    const job = jobs.find((j) => j.ref === slow.ref && j.platform === 'linux/ppc64le')!;
    expect(job.state).toBe('running');
    await expect
      .poll(
        async () =>
          (
            (await (
              await request.get(`/api/pulls/${job.id}`, { headers: auth() })
            ).json()) as PullJob
          ).state,
        {
          timeout: 90_000,
          intervals: [500],
        },
      )
      .toBe('succeeded');
  } finally {
    slow.close();
  }
});

test('a pull whose registry went away shows no bar, says why, and Retry pulls it again', async ({
  page,
}) => {
  let slow = await startSlowRegistry();
  try {
    removeImages(slow.ref, ['', '-s390x']);
    await page.goto(`/images?token=${daemonToken()}`);
    await page.getByTestId('pull-open').click();
    await page.getByTestId('pull-ref').fill(slow.ref);
    await page.getByTestId('pull-ref').press('Enter');
    await page.getByTestId('pull-platform-linux-s390x').click();
    // The registry goes away between the lookup and the pull.
    slow.close();
    await page.getByTestId('pull-submit').click();
    await expect(page.getByTestId('pull-state')).toContainText(/failed|interrupted/i, {
      timeout: 60_000,
    });
    await expect(page.getByTestId('pull-error')).toBeVisible();
    await expect(
      page.getByTestId('pull-job').getByRole('progressbar', { name: /^Pulling/ }),
    ).toHaveCount(0);

    slow = await startSlowRegistry();
    await page
      .getByTestId('pull-job')
      .getByRole('button', { name: /^Retry pulling/ })
      .click();
    await expect(page.getByTestId('pull-state')).toContainText(/succeeded/i, { timeout: 90_000 });
  } finally {
    slow.close();
  }
});
