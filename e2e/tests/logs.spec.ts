import { expect, test } from '@playwright/test';
import { auth, createContainer } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';

/**
 * The log view on a log longer than its first history (500 lines): it follows the newest line,
 * lets the reader move away with the keyboard and comes back to following at the bottom, shows
 * a search match in view, and loads older lines from the top.
 */
// Tall enough for the whole log view to be on the page: "in view" below means in its view.
test.use({ viewport: { width: 1280, height: 1400 } });

test('a long log: following, keyboard scrolling, search and older lines', async ({
  page,
  request,
}) => {
  const name = `archdeck-e2e-logs-${Date.now()}`;
  const { id } = await createContainer(request, name, [
    'sh',
    '-c',
    'seq 1 3000 | sed "s/^/line /"; sleep 600',
  ]);
  try {
    await page.goto(`/containers/${id}?token=${daemonToken()}`);
    const view = page.getByTestId('log-view');
    // A row's text is its line's alone (the number is generated content).
    const line = (n: number) =>
      view.getByTestId('log-line').filter({ hasText: new RegExp(`^line ${n}$`) });
    const follow = page.getByTestId('log-follow');

    // The last 500 lines, the newest in view.
    await expect(line(3000)).toBeInViewport({ timeout: 30_000 });
    await expect(page.getByTestId('log-status')).toHaveText('live');
    await expect(follow).toHaveAttribute('aria-pressed', 'true');

    // Keyboard scrolling moves the view and stops following; the bottom resumes it.
    await view.focus();
    await page.keyboard.press('Home');
    await expect(line(2501)).toBeInViewport();
    await expect(follow).toHaveAttribute('aria-pressed', 'false');
    await page.keyboard.press('End');
    await expect(line(3000)).toBeInViewport();
    await expect(follow).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('PageUp');
    await expect(follow).toHaveAttribute('aria-pressed', 'false');
    await expect(line(3000)).not.toBeInViewport();

    // A search match is brought into view and marked.
    await page.getByTestId('log-search').fill('line 2600');
    await expect(page.getByTestId('log-search-count')).toHaveText('– / 1');
    await page.getByTestId('log-search').press('Enter');
    await expect(page.getByTestId('log-search-count')).toHaveText('1 / 1');
    await expect(line(2600)).toBeInViewport();
    await expect(line(2600).locator('mark')).toHaveText('line 2600');

    // Following again goes back to the newest line.
    await follow.click();
    await expect(line(3000)).toBeInViewport();

    // Older lines: the whole log, read from its top.
    await page.getByTestId('log-search').fill('');
    await page.getByTestId('log-load-older').click();
    await expect(line(1)).toBeInViewport();
    await expect(page.getByTestId('log-view')).not.toContainText('dropped');
    await expect(page.getByText('· 3,000 lines')).toBeVisible();
    await expect(page.getByTestId('log-load-older')).toHaveAttribute('aria-disabled', 'true');
  } finally {
    await request.delete(`/api/containers/${id}`, { headers: auth() });
  }
});
