import { expect, test } from '@playwright/test';
import { auth, createContainer } from '../fixtures/api';
import { daemonToken } from '../fixtures/daemon';
import { podmanGet } from '../fixtures/podman';

/**
 * The processes in a container, straight from podman (compat `top`), bypassing archdeck: the
 * exec'd shell must be gone from there, not just from the daemon's bookkeeping.
 */
async function containerProcesses(id: string): Promise<string[]> {
  const { Processes } = JSON.parse(await podmanGet(`/containers/${id}/top`)) as {
    Processes: string[][];
  };
  return Processes.map((row) => row.join(' '));
}

const shells = async (id: string) =>
  (await containerProcesses(id)).filter((line) => line.includes('/bin/sh')).length;

test('a shell in an arm64 container: runs, follows resizes, ends with the page', async ({
  browser,
  request,
}) => {
  const name = `archdeck-e2e-term-${Date.now()}`;
  const { id } = await createContainer(request, name);

  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The tokened link can point straight at a container page.
    await page.goto(`/containers/${id}?token=${daemonToken()}`);
    await expect(page.getByTestId('terminal-shell')).toHaveValue('/bin/sh');
    await page.getByTestId('terminal-open').click();
    await expect(page.getByTestId('terminal-status')).toHaveText('connected');

    const screen = page.getByTestId('terminal').locator('.xterm-rows');
    await page.getByTestId('terminal').click();
    await page.keyboard.type('uname -m\n');
    await expect(screen).toContainText('aarch64');

    // The size the shell sees follows the box: narrower viewport, fewer columns.
    const sttySize = async () => {
      await page.keyboard.type('stty size\n');
      // innerText keeps the rows' line breaks (toContainText would fold them); last answer wins.
      const answers = [...(await screen.innerText()).matchAll(/^(\d+) (\d+)\s*$/gm)];
      const last = answers.at(-1);
      return last ? { rows: Number(last[1]), cols: Number(last[2]) } : null;
    };
    let before: { rows: number; cols: number } | null = null;
    await expect(async () => {
      before = await sttySize();
      expect(before).not.toBeNull();
    }).toPass({ timeout: 15_000 });
    await page.setViewportSize({ width: 800, height: 900 });
    await expect(async () => {
      const after = await sttySize();
      expect(after?.cols).toBeLessThan(before!.cols);
    }).toPass({ timeout: 15_000 });

    expect(await shells(id)).toBeGreaterThan(0);
    await page.close();
    await expect.poll(() => shells(id), { timeout: 20_000 }).toBe(0);
  } finally {
    await request.delete(`/api/containers/${id}?force=true`, { headers: auth() });
  }
});

test('a TTY preset lands directly in its terminal', async ({ page, request }) => {
  await page.goto(`/containers?token=${daemonToken()}`);
  await page.getByTestId('preset-busybox-shell-arm64').click();
  await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}\?terminal=attach/, { timeout: 60_000 });
  await expect(page.getByTestId('terminal-status')).toHaveText('connected');
  await page.getByTestId('terminal').click();
  await page.keyboard.type('uname -m\n');
  await expect(page.getByTestId('terminal')).toContainText('aarch64');
  // Attaching typed nothing of its own (podman once got `0` and Enters from the request).
  await expect(page.getByTestId('terminal')).not.toContainText('not found');
  const id = new URL(page.url()).pathname.split('/').pop()!;
  await request.delete(`/api/containers/${id}`, {
    headers: { authorization: `Bearer ${daemonToken()}` },
  });
});
