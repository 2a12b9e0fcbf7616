import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from '../../support/browser';

export { completeSignIn, launchBrowser, revokeOnSecurityPage } from '../../support/browser';
export type { SignInInput } from '../../support/browser';

/**
 * Launches Chromium before the file's (or describe block's) tests and closes it after them.
 * Returns a getter, as `withSandbox` does: the browser exists only once `beforeAll` has run.
 */
export function withBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser) throw new Error('The browser is not launched yet: use it inside a test or hook.');
    return browser;
  };
}
