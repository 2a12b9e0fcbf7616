import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import type { Harness } from '.';

const SCREENSHOTS = 'test-results/screenshots';

export interface AppPage {
  /** The window's page, with the harness's stand-in preload installed; not opened yet. */
  page: Page;
  /**
   * What would show the page broke: uncaught errors and console errors, which is also where
   * Chromium reports a Content-Security-Policy violation. The list fills as the page runs.
   */
  pageErrors: string[];
}

/** A page the size of the app's window, in its own context that may use the clipboard. */
export async function newAppPage(browser: Browser, harness: Harness): Promise<AppPage> {
  const context = await browser.newContext({ viewport: { width: 920, height: 720 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(harness.url).origin,
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // A browser asks for /favicon.ico by itself; the app's window never does.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
      pageErrors.push(message.text());
    }
  });
  await page.addInitScript(harness.initScript);
  return { page, pageErrors };
}

/** Saves what the page shows as test-results/screenshots/<name>.png, animations settled. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, animations: 'disabled' });
}
