// Drives Chromium as a person would: shared by the tests and the benchmarks, so vitest-free.
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing reaching out to the network on its own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface SignInInput {
  email: string;
  password: string;
  consent: 'allow' | 'deny';
}

/**
 * Opens the authorization URL, signs in and answers the consent page as a person would, then
 * waits until the browser is sent to the authorization request's redirect URI. Returns that URL
 * (with `code` and `state`, or `error`). Works whether or not something listens there.
 */
export async function completeSignIn(
  target: Page | Browser,
  authorizationUrl: string,
  input: SignInInput,
): Promise<URL> {
  const redirectUri = new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error('The authorization URL has no redirect_uri.');
  return withPage(target, async (page) => {
    const redirected = page.waitForRequest((request) => request.url().startsWith(redirectUri), {
      timeout: 30_000,
    });
    redirected.catch(() => {});
    await page.goto(authorizationUrl);
    const email = page.getByLabel('Email');
    const allow = page.getByRole('button', { name: 'Allow', exact: true });
    const problem = page.getByRole('alert');
    await email.or(allow).or(problem).first().waitFor();
    if (await email.isVisible()) {
      await email.fill(input.email);
      await page.getByLabel('Password').fill(input.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await allow.or(problem).first().waitFor();
    }
    if (await problem.isVisible()) {
      throw new Error(`Sign-in page said: ${await problem.innerText()}`);
    }
    const answer = input.consent === 'allow' ? 'Allow' : 'Deny';
    await page.getByRole('button', { name: answer, exact: true }).click();
    const request = await redirected;
    // Let the request reach whatever listens there before the page can be closed.
    await request.response().catch(() => null);
    return new URL(request.url());
  });
}

/**
 * Signs in on the sandbox's Settings → Security page and revokes one client (by its name) or,
 * without a name, every client. Returns the page's confirmation sentence.
 */
export async function revokeOnSecurityPage(
  browser: Browser,
  origin: string,
  account: { email: string; password: string },
  clientName?: string,
): Promise<string> {
  return withPage(browser, async (page) => {
    await page.goto(new URL('/settings/security', origin).href);
    const email = page.getByLabel('Email');
    if (await email.isVisible()) {
      await email.fill(account.email);
      await page.getByLabel('Password').fill(account.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    }
    await page.getByRole('heading', { name: 'Settings → Security' }).waitFor();
    if (clientName === undefined) {
      await page.getByRole('button', { name: 'Revoke all', exact: true }).click();
    } else {
      const row = page
        .getByRole('row')
        .filter({ has: page.getByRole('cell', { name: clientName, exact: true }) });
      await row.getByRole('button', { name: /^Revoke/ }).click();
    }
    return page.getByRole('status').innerText();
  });
}

async function withPage<T>(target: Page | Browser, use: (page: Page) => Promise<T>): Promise<T> {
  if ('goto' in target) return use(target);
  const context = await target.newContext();
  try {
    return await use(await context.newPage());
  } finally {
    await context.close();
  }
}
