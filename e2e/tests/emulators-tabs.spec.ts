import { expect, test, type Page } from '@playwright/test';
import { daemonToken } from '../fixtures/daemon';

/**
 * The page's height at 1280×900, which once was over 5,000 px on a host with 25 handlers. The
 * handlers' own list grows with the host, so it is not counted.
 */
const pageHeight = (page: Page) =>
  page.evaluate(
    () =>
      document.documentElement.scrollHeight -
      (document.querySelector<HTMLElement>('[aria-label="Registered handlers"]')?.offsetHeight ??
        0),
  );
const REASONABLE = 1.6 * 900;

test.use({ viewport: { width: 1280, height: 900 } });

test('the Emulators page is in tabs: short, each reachable by keyboard and by its URL', async ({
  page,
}) => {
  await page.goto(`/emulators?token=${daemonToken()}`);
  const tabs = page.getByRole('tablist', { name: 'Emulator sections' }).getByRole('tab');
  await expect(tabs).toHaveText([/^Handlers/, /^Smoke tests/, /^ELF inspector/, /^Persisted/]);

  const handlers = page.getByRole('tab', { name: /^Handlers/ });
  await expect(handlers).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: /^Handlers/ })).toBeVisible();
  // The other sections are out of the way until chosen.
  await expect(page.getByTestId('elf-input')).toBeHidden();
  await expect(page.getByTestId('emulators-test-all')).toBeHidden();
  expect(await pageHeight(page)).toBeLessThan(REASONABLE);

  // What P, O and F mean is written out, not only in a hover title.
  const legend = page.getByRole('tabpanel', { name: /^Handlers/ }).getByTestId('flag-legend');
  await expect(legend).toBeVisible();
  await expect(legend).toContainText('P');
  await expect(legend).toContainText('preserve-argv0');
  await expect(legend).toContainText('open-binary');
  await expect(legend).toContainText(/fix-binary.*containers/);

  // Keyboard: Tab reaches the chosen tab only; arrows move between tabs and choose them.
  await handlers.focus();
  await page.keyboard.press('ArrowRight');
  const smoke = page.getByRole('tab', { name: /^Smoke tests/ });
  await expect(smoke).toBeFocused();
  await expect(smoke).toHaveAttribute('aria-selected', 'true');
  await expect(handlers).toHaveAttribute('aria-selected', 'false');
  await expect(handlers).toHaveAttribute('tabindex', '-1');
  await expect(page).toHaveURL(/[?&]tab=smoke-tests/);
  await expect(page.getByTestId('emulators-test-all')).toBeVisible();
  await expect(legend).toBeHidden();
  expect(await pageHeight(page)).toBeLessThan(REASONABLE);

  await page.keyboard.press('ArrowRight');
  const elf = page.getByRole('tab', { name: /^ELF inspector/ });
  await expect(elf).toBeFocused();
  await expect(page).toHaveURL(/[?&]tab=elf-inspector/);
  await expect(page.getByRole('tabpanel', { name: /^ELF inspector/ })).toBeVisible();
  // Tab leaves the tab list for the chosen panel.
  await page.keyboard.press('Tab');
  const focusedInPanel = await page.evaluate(() =>
    document.activeElement?.closest('[role="tabpanel"]')?.getAttribute('aria-labelledby'),
  );
  expect(focusedInPanel).toBe(await elf.getAttribute('id'));

  await elf.focus();
  await page.keyboard.press('End');
  const persisted = page.getByRole('tab', { name: /^Persisted/ });
  await expect(persisted).toBeFocused();
  await expect(page).toHaveURL(/[?&]tab=persisted/);
  await page.keyboard.press('ArrowRight'); // wraps round
  await expect(handlers).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(persisted).toBeFocused();
  await page.keyboard.press('Home');
  await expect(handlers).toBeFocused();
  await expect(page).not.toHaveURL(/tab=/);

  // A link to a section opens it, and a reload keeps it.
  await page.goto('/emulators?tab=elf-inspector');
  await expect(elf).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('elf-input')).toBeAttached();
  await expect(page.getByText('Drop a binary')).toBeVisible();
  expect(await pageHeight(page)).toBeLessThan(REASONABLE);
  await page.reload();
  await expect(elf).toHaveAttribute('aria-selected', 'true');

  await page.goto('/emulators?tab=persisted');
  await expect(persisted).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel', { name: /^Persisted/ })).toBeVisible();
  expect(await pageHeight(page)).toBeLessThan(REASONABLE);

  // An unknown section is the first one.
  await page.goto('/emulators?tab=nonsense');
  await expect(handlers).toHaveAttribute('aria-selected', 'true');
});
