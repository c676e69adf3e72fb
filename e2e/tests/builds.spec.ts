import { expect, test } from '@playwright/test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildJob, ContainerSummary } from '@archdeck/shared';
import { auth } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { pageOverflowsSideways } from '../fixtures/layout';
import { removeImages } from '../fixtures/podman';

const stamp = Date.now();
const name = `localhost/archdeck-e2e-build-${stamp}`;
const registry = process.env.ARCHDECK_TEST_REGISTRY!;
const destination = `${registry}/archdeck-buildtest/e2e-${stamp}:1`;
/** Deep enough that the browser's tar needs ustar's name prefix. */
const deepPath = `assets/${'nested-folder-'.repeat(5)}/${'a-long-file-name-'.repeat(4)}.txt`;
let context: string;

/**
 * The loopback busybox index by digest: a FROM by tag would move the shared `busybox:1.36`
 * tag to each platform built, as any pull of it does.
 */
async function base(): Promise<string> {
  const res = await fetch(`http://${registry}/v2/library/busybox/manifests/1.36`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.index.v1+json' },
  });
  return `${registry}/library/busybox@${res.headers.get('docker-content-digest')}`;
}

test.beforeAll(async () => {
  context = mkdtempSync(join(tmpdir(), 'archdeck-e2e-context-'));
  const folder = join(context, 'app');
  mkdirSync(join(folder, deepPath, '..'), { recursive: true });
  writeFileSync(join(folder, deepPath), 'packed in the browser\n');
  writeFileSync(
    join(folder, 'Containerfile'),
    [
      `FROM ${await base()}`,
      `COPY ${deepPath} /asset.txt`,
      'RUN uname -m > /arch && echo "built-on-$(uname -m)" && cat /asset.txt',
      'CMD ["cat", "/arch"]',
      '',
    ].join('\n'),
  );
});

test.afterAll(() => {
  rmSync(context, { recursive: true, force: true });
  removeImages(name, [':1-amd64', ':1-arm64']);
});

test('build a folder for two platforms, watch each one’s output, run one, and publish both as a manifest list', async ({
  page,
  request,
}) => {
  test.setTimeout(180_000);
  await page.goto(`/build?token=${daemonToken()}`);
  await expect(page.getByRole('heading', { name: 'Build', level: 1 })).toBeVisible();

  await page.getByTestId('build-folder').setInputFiles(join(context, 'app'));
  await expect(page.getByTestId('build-context-summary')).toContainText('uses Containerfile');
  await page.getByTestId('build-tag').fill(`${name}:1`);
  // The host's own platform is ticked; each platform says how its RUN steps would run.
  await expect(page.getByTestId('build-platform-linux-amd64')).toBeChecked();
  const arm64 = page
    .locator('label')
    .filter({ has: page.getByTestId('build-platform-linux-arm64') });
  await expect(arm64).toContainText(/emulated via qemu-aarch64/);
  await page.getByTestId('build-platform-linux-arm64').check();
  await page.getByTestId('build-submit').click();

  const view = page.getByTestId('build-view');
  await expect(view).toBeVisible();
  // Each platform's own output: RUN ran natively for amd64, through qemu for arm64.
  await view.getByRole('tab', { name: /linux\/arm64/ }).click();
  await expect(page.getByTestId('build-output-linux-arm64')).toContainText('built-on-aarch64', {
    timeout: 90_000,
  });
  await expect(page.getByTestId('build-output-linux-arm64')).toContainText('packed in the browser');
  await view.getByRole('tab', { name: /linux\/amd64/ }).click();
  await expect(page.getByTestId('build-output-linux-amd64')).toContainText('built-on-x86_64');
  await expect(page.getByTestId('build-state')).toHaveText('succeeded', { timeout: 90_000 });
  await expect(page.getByTestId('build-result-linux-amd64')).toContainText(`${name}:1-amd64`);
  const buildUrl = page.url();

  // Run what was built: the container's page opens, and its log says which CPU it ran on.
  await page.getByTestId('build-run-linux-amd64').click();
  await expect(page).toHaveURL(/\/containers\/[0-9a-f]+/);
  const containerId = new URL(page.url()).pathname.split('/').pop()!;
  await expect(page.getByTestId('log-line').first()).toContainText('x86_64');
  await request.delete(`/api/containers/${containerId}`, { headers: auth() });

  // Publish both: the manifest dialog opens with the build's images ticked.
  await page.goto(buildUrl);
  await page.getByTestId('build-publish').click();
  await expect(page).toHaveURL(/\/manifests/);
  const dialog = page.getByTestId('manifest-create-dialog');
  await expect(dialog).toBeVisible();
  await dialog.getByTestId('manifest-name').fill(destination);
  await dialog.getByTestId('manifest-create-submit').click();
  await expect(dialog).toBeHidden();

  const card = page.locator('section').filter({ hasText: destination }).first();
  await expect(card.getByTestId('manifest-entry-linux-amd64')).toBeVisible();
  await expect(card.getByTestId('manifest-entry-linux-arm64')).toBeVisible();
  await card.getByTestId('manifest-push-button').click();
  await expect(card.getByTestId('manifest-push-state')).toHaveText('succeeded', {
    timeout: 60_000,
  });
  // What the registry serves now: both platforms, each one of the built images.
  const builds = (await (
    await request.get('/api/builds', { headers: auth() })
  ).json()) as BuildJob[];
  const built = builds.find((b) => b.tag === `${name}:1`)!;
  for (const p of built.platforms) {
    await expect(card.getByTestId(`manifest-pushed-${p.platform.replace('/', '-')}`)).toContainText(
      `image ${p.imageId!.slice(0, 12)}`,
    );
  }
  // The image list never broke while podman held the list.
  const images = await request.get('/api/images', { headers: auth() });
  expect(images.status()).toBe(200);
});

test('on a phone, the build page and a build fit the screen', async ({ page, request }) => {
  const builds = (await (
    await request.get('/api/builds', { headers: auth() })
  ).json()) as BuildJob[];
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/build?token=${daemonToken()}${builds[0] ? `&build=${builds[0].id}` : ''}`);
  await expect(page.getByTestId('build-form')).toBeVisible();
  if (builds[0]) await expect(page.getByTestId('build-view')).toBeVisible();
  expect(await pageOverflowsSideways(page)).toBe(false);
  // Nothing else left behind by this file: no container of ours.
  const containers = (await (
    await request.get('/api/containers', { headers: auth() })
  ).json()) as ContainerSummary[];
  expect(containers.filter((c) => c.image.startsWith(name))).toEqual([]);
});
