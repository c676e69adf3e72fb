import { expect, test, type APIRequestContext } from '@playwright/test';
import type { PullJob } from '@archdeck/shared';
import { auth } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { deriveImage, removeImages } from '../fixtures/podman';
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

/** Makes the test image local as arm64 (a pull only if it is not), and answers with its id. */
async function localArm64(request: APIRequestContext): Promise<string> {
  const pull = await request.post('/api/pulls', {
    headers: auth(),
    data: { ref: process.env.ARCHDECK_TEST_IMAGE, platform: 'linux/arm64', policy: 'missing' },
  });
  let job = (await pull.json()) as PullJob;
  // 200: local already, a finished job; 202: pulling, until it is.
  if (pull.status() === 200) return job.imageId!;
  await expect
    .poll(
      async () => {
        job = (await (
          await request.get(`/api/pulls/${job.id}`, { headers: auth() })
        ).json()) as PullJob;
        return job.state;
      },
      { timeout: 60_000 },
    )
    .toBe('succeeded');
  return job.imageId!;
}

const shortId = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

test('Run on an arm64 busybox row: the run dialog has it and its platform, and its container says aarch64', async ({
  page,
  request,
}) => {
  const id = shortId(await localArm64(request));
  await page.goto(`/images?token=${daemonToken()}`);
  await page.getByTestId(`image-run-${id}`).click();

  const dialog = page.getByTestId('run-dialog');
  await expect(page.getByTestId('run-image')).toHaveValue(process.env.ARCHDECK_TEST_IMAGE!);
  await expect(page.getByTestId('run-platform-linux-arm64')).toBeChecked();
  // The registry answers too: its other platforms can be chosen instead.
  await expect(page.getByTestId('run-platform-linux-s390x')).toBeVisible();
  await page.getByTestId('run-cmd').fill('uname -m');
  await page.getByTestId('run-submit').click();

  await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
  const containerId = page.url().split('/').pop()!;
  try {
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('log-line').first()).toHaveText('aarch64');
  } finally {
    await request.delete(`/api/containers/${containerId}`, { headers: auth() });
  }
});

test('Run from the details of a local-only image: no registry to ask, it runs as it is', async ({
  page,
  request,
}) => {
  // An arm64 busybox of this test's own, named on a registry no one serves.
  const ref = `localhost/archdeck-e2e-run-${Date.now()}:1`;
  deriveImage(shortId(await localArm64(request)), ref);
  try {
    await page.goto(`/images?token=${daemonToken()}`);
    await page.getByTestId('images-filter').fill(ref);
    const row = page.getByTestId('images-list').getByRole('row').filter({ hasText: ref });
    await row.getByRole('button', { name: ref, exact: true }).click();
    await page.getByTestId('image-detail-run').click();
    await expect(page.getByTestId('image-detail')).toHaveCount(0);

    await expect(page.getByTestId('run-image')).toHaveValue(ref);
    await expect(page.getByTestId('run-platform-linux-arm64')).toBeChecked();
    await expect(page.getByTestId('run-registry-note')).toContainText('runs as it is');
    // Enter in a field runs it, as the Run button does.
    await page.getByTestId('run-cmd').fill('uname -m');
    await page.getByTestId('run-cmd').press('Enter');
    await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
    const containerId = page.url().split('/').pop()!;
    try {
      await expect(page.getByTestId('log-line').first()).toHaveText('aarch64');
    } finally {
      await request.delete(`/api/containers/${containerId}`, { headers: auth() });
    }
  } finally {
    removeImages(ref);
  }
});
