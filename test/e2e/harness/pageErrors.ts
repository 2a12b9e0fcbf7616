import type { Page } from 'playwright-core';

/**
 * Collects what would show the page broke: uncaught errors and console errors, which is also
 * where Chromium reports a Content-Security-Policy violation. The list fills as the page runs.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // A browser asks for /favicon.ico by itself; the app's window never does.
    if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) {
      errors.push(message.text());
    }
  });
  return errors;
}
