/**
 * Debian's Chromium through the e2e package's Playwright, for the UI measures (B2-ui, B5).
 * Chromium inherits this process's CPU pinning (the load-generator CPU).
 */
import { pathToFileURL } from 'node:url';
import { resolveFrom } from './lib.mjs';

export async function launch() {
  const mod = await import(pathToFileURL(resolveFrom('e2e', '@playwright/test')).href);
  const chromium = mod.chromium ?? mod.default.chromium;
  return chromium.launch({
    executablePath: process.env.ARCHDECK_CHROMIUM ?? '/usr/bin/chromium',
    // Without these, Chromium stalls reaching Google's services on a closed network.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A signed-in browser context on the daemon (the token is traded for the session cookie). */
export async function signIn(browser, daemon) {
  const context = await browser.newContext({
    baseURL: daemon.base,
    viewport: { width: 1280, height: 900 },
  });
  const page = await context.newPage();
  await page.goto(`/?token=${daemon.token}`);
  await page.waitForLoadState('networkidle').catch(() => {});
  await page.close();
  return context;
}

/** Pages the preset buttons may live on, in the order they are tried. */
const PRESET_PAGES = ['/containers', '/'];

/**
 * Opens the page that shows `preset-<id>-<arch>` and returns [page, path, button], or null
 * when no page has it (the UI does not exist yet).
 */
export async function findPreset(context, id, arch, { known, initScript, timeoutMs = 8000 } = {}) {
  const testid = `preset-${id}-${arch}`;
  for (const path of known ? [known] : PRESET_PAGES) {
    const page = await context.newPage();
    if (initScript) await page.addInitScript(initScript.fn, initScript.arg);
    await page.goto(path);
    const button = page.getByTestId(testid);
    try {
      await button.waitFor({ state: 'visible', timeout: timeoutMs });
      return { page, path, button };
    } catch {
      await page.close();
    }
  }
  return null;
}
