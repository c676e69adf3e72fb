import { expect, test, type Page } from '@playwright/test';
import type { ContainerSummary, PullJob, RunRequest } from '@archdeck/shared';
import { auth, createContainer, runThroughApi } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { podmanGet, removeImages } from '../fixtures/podman';

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
  // The daemon pulls, then runs: the page asks once and follows the launch it answers with.
  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.method() !== 'GET' || /\/api\/launches\//.test(r.url()))
      asked.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  await page.getByTestId('preset-busybox-s390x').click();

  // Pull progress, then the container page with its live log.
  await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/, { timeout: 60_000 });
  expect((await pullProgress(page)).join('\n')).toMatch(/Pulling .*busybox.* for linux\/s390x/);
  // (The Containers page's list of launches may follow the same launch's stream.)
  expect(asked.filter((a) => a.startsWith('POST'))).toEqual(['POST /api/containers']);
  expect(asked).toContainEqual(expect.stringMatching(/^GET \/api\/launches\/[0-9a-f]+\/events$/));
  await expect(page.getByTestId('log-view')).toContainText('running on s390x');
  await expect(page.getByTestId('container-header-badge')).toContainText('qemu-s390x');
  await expect(page.getByTestId('container-header-state')).toContainText(/running/i);

  await page.getByTestId('container-action-stop').click();
  await page.getByTestId('container-action-stop-confirm').click();
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

test('stopping a shell from its row: the timeout chosen, the kill explained, the row in place', async ({
  page,
  request,
}) => {
  const stamp = Date.now();
  const older = `archdeck-e2e-stop-sleep-${stamp}`;
  const shell = `archdeck-e2e-stop-shell-${stamp}`;
  const run = (name: string, data: Partial<RunRequest>) =>
    runThroughApi(request, {
      image: process.env.ARCHDECK_TEST_IMAGE!,
      platform: 'linux/arm64',
      name,
      ...data,
    });
  // Both running, the shell the newer: a list sorted by state would move it below the other.
  await run(older, { cmd: ['sleep', '600'] });
  await run(shell, { cmd: ['sh'], tty: true });
  try {
    await page.goto(`/containers?token=${daemonToken()}`);
    for (const name of [older, shell]) {
      await expect(page.getByTestId(`container-state-${name}`)).toHaveText('running');
    }
    // Until its prompt, the shell may not ignore SIGTERM yet (a SIGTERM then ends it, 143).
    await expect
      .poll(() => podmanGet(`/containers/${shell}/logs?stdout=1`), { timeout: 30_000 })
      .toContain('/ # ');
    // Other containers may come and go meanwhile (the podman service is shared): the two rows
    // are placed against each other.
    const rows = () =>
      page
        .locator('[data-testid^="container-row-"]')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')));
    const shellFirst = async () => {
      const ids = await rows();
      return ids.indexOf(`container-row-${shell}`) < ids.indexOf(`container-row-${older}`);
    };
    expect(await shellFirst()).toBe(true);

    await page.getByTestId(`container-action-stop-${shell}`).click();
    await page.getByTestId(`container-stop-timeout-${shell}`).fill('1');
    await page.getByTestId(`container-action-stop-confirm-${shell}`).click();
    await expect(page.getByTestId(`container-state-${shell}`)).toHaveText('exited', {
      timeout: 10_000,
    });
    await expect(page.getByTestId(`container-stop-${shell}`)).toHaveText(
      'killed after the 1 s stop timeout: it did not exit on SIGTERM',
    );
    await expect(page.getByTestId(`container-exit-${shell}`)).toHaveText('137');
    expect(await shellFirst()).toBe(true);

    // Its page explains the kill in full.
    await page.getByRole('link', { name: shell }).click();
    await expect(page.getByTestId('container-diagnosis')).toContainText(
      'Killed after the 1 s stop timeout: it did not exit on SIGTERM',
    );
    await expect(page.getByTestId('container-diagnosis')).toContainText('interactive shell');
  } finally {
    for (const name of [older, shell])
      await request.delete(`/api/containers/${name}`, { headers: auth() });
  }
});
