import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { ImageDetail, ImageSummary, PullJob } from '@archdeck/shared';
import { auth } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { importImage, removeImages } from '../fixtures/podman';

// A repository of this test's own in the loopback registry (which has no delete: reruns
// overwrite it), so that the tags listed are known.
const registry = process.env.ARCHDECK_TEST_REGISTRY!;
const repository = `${registry}/archdeck-imagedetail/e2e`;
const reference = `${repository}:1.36`;

const skopeo = (...args: string[]) =>
  execFileSync('skopeo', [args[0]!, '--tls-verify=false', ...args.slice(1)], {
    encoding: 'utf8',
  });

/** The index digest of the reference, and its s390x image's digest, as skopeo sees them. */
function skopeoDigests() {
  const raw = skopeo('inspect', '--raw', `docker://${reference}`);
  const entry = (
    JSON.parse(raw) as { manifests: Array<{ digest: string; platform: { architecture: string } }> }
  ).manifests.find((m) => m.platform.architecture === 's390x')!;
  const image = JSON.parse(skopeo('inspect', `docker://${repository}@${entry.digest}`)) as {
    Digest: string;
  };
  return {
    index: `sha256:${createHash('sha256').update(raw).digest('hex')}`,
    platform: image.Digest,
  };
}

test('the image drawer tells the index digest from the platform digest and lists the registry’s tags', async ({
  page,
  context,
  request,
}) => {
  execFileSync('skopeo', [
    'copy',
    '--all',
    '--quiet',
    '--src-tls-verify=false',
    '--dest-tls-verify=false',
    `docker://${process.env.ARCHDECK_TEST_IMAGE}`,
    `docker://${reference}`,
  ]);
  try {
    const { index, platform } = skopeoDigests();
    const started = (await (
      await request.post('/api/pulls', {
        headers: auth(),
        data: { ref: reference, platform: 'linux/s390x' },
      })
    ).json()) as PullJob;
    let job = started;
    await expect
      .poll(
        async () => {
          job = (await (
            await request.get(`/api/pulls/${started.id}`, { headers: auth() })
          ).json()) as PullJob;
          return job.state;
        },
        { timeout: 60_000 },
      )
      .toBe('succeeded');

    // busybox's s390x image is shared with other tests, under their names too: the drawer lists
    // the tags of whichever repository podman names first.
    const detail = (await (
      await request.get(`/api/images/${job.imageId}`, { headers: auth() })
    ).json()) as ImageDetail;
    const registryTags = (
      JSON.parse(skopeo('list-tags', `docker://${detail.name}`)) as { Tags: string[] }
    ).Tags.sort(new Intl.Collator(undefined, { numeric: true }).compare);

    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(`/images?token=${daemonToken()}`);
    await page
      .getByTestId(`image-row-${job.imageId!.slice(0, 12)}`)
      .getByRole('button', { name: detail.repoTags[0], exact: true })
      .press('Enter');
    const drawer = page.getByTestId('image-detail');
    await expect(drawer).toBeVisible();

    const indexRow = drawer.getByTestId('image-detail-index-digest');
    const platformRow = drawer.getByTestId('image-detail-platform-digest');
    // One index, unless busybox's shared s390x image was also pulled through others (other
    // tests, other names): then each is listed, this one among them.
    await expect(drawer.getByText(/^Index digests?$/)).toBeVisible();
    await expect(drawer.getByText('Platform digest', { exact: true })).toBeVisible();
    await expect(indexRow).toContainText(index);
    await expect(indexRow).toContainText('pins every platform of the reference');
    await expect(platformRow).toContainText(platform);
    await expect(platformRow).toContainText('Pins this linux/s390x image only');

    await drawer.getByRole('button', { name: 'Copy platform digest' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(platform);
    await indexRow
      .getByRole('listitem')
      .filter({ hasText: index })
      .getByRole('button', { name: 'Copy index digest' })
      .click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(index);

    // The registry's tags, on demand and by keyboard.
    const toggle = drawer.getByTestId('image-detail-registry-tags-toggle');
    await expect(toggle).toHaveAccessibleName('Show tags in the registry');
    await toggle.focus();
    await page.keyboard.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    await expect(toggle).toHaveAccessibleName('Hide the registry’s tags');
    const tags = drawer.getByRole('list', { name: `Tags of ${detail.name} in the registry` });
    await expect(tags.getByRole('listitem')).toHaveText(registryTags);
    await expect(drawer.getByTestId('image-detail-registry-tags-count')).toHaveText(
      `${registryTags.length} ${registryTags.length === 1 ? 'tag' : 'tags'} in ${detail.name}`,
    );
    await page.screenshot({ path: 'test-results/image-detail-tags.png', fullPage: true });
    await toggle.press('Enter');
    await expect(toggle).toHaveAttribute('aria-expanded', 'false');
    await expect(tags).toHaveCount(0);
  } finally {
    // The names this test gave busybox's shared image; its other names stay.
    removeImages(reference, ['-s390x', '']);
  }
});

test('the drawer says what is not known, and why the registry could not list tags', async ({
  page,
  request,
}) => {
  // Named after a registry where nothing listens: imported, so podman recorded no index.
  const offline = '127.0.0.1:2/archdeck-imagedetail/offline';
  removeImages(`${offline}:e2e`);
  importImage(`${offline}:e2e`, 's390x');
  try {
    // The daemon's list follows podman's events: the import shows once its event arrived.
    let image: ImageSummary | undefined;
    await expect
      .poll(async () => {
        const images = (await (
          await request.get('/api/images', { headers: auth() })
        ).json()) as ImageSummary[];
        image = images.find((i) => i.repoTags.includes(`${offline}:e2e`));
        return image !== undefined;
      })
      .toBe(true);
    await page.goto(`/images?token=${daemonToken()}`);
    await page
      .getByTestId(`image-row-${image!.shortId}`)
      .getByRole('button', { name: `${offline}:e2e`, exact: true })
      .click();
    const drawer = page.getByTestId('image-detail');
    await expect(drawer.getByTestId('image-detail-index-digest-unknown')).toHaveText('not known');
    await expect(drawer.getByTestId('image-detail-index-digest')).toContainText(
      'Podman recorded no index for this image',
    );

    await drawer.getByRole('button', { name: 'Show tags in the registry' }).click();
    const error = drawer.getByRole('alert');
    await expect(error).toContainText(`Could not list the tags of ${offline}`);
    await expect(error).toContainText('cannot reach 127.0.0.1:2: it refused the connection');
    await expect(error).toContainText('The registry may be offline');
    await expect(error.getByRole('button', { name: 'Try again' })).toBeVisible();
    await page.screenshot({ path: 'test-results/image-detail-offline.png', fullPage: true });
  } finally {
    removeImages(`${offline}:e2e`);
  }
});
