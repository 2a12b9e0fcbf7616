import type { Browser } from 'playwright-core';
import { signIn, type SignInOptions } from '../src/core/oauth/signIn';
import type { SignInResult } from '../src/core/oauth/types';
import type { Sandbox } from '../src/sandbox';
import { completeSignIn, launchBrowser } from './browser';

export interface BrowserSignInInput {
  email: string;
  password: string;
  /** Default "Splattr Companion for Claude Desktop". */
  clientName?: string;
  /** What the person answers on the consent page; default 'allow'. */
  consent?: 'allow' | 'deny';
  /** A running Chromium to reuse; otherwise one is launched and closed. */
  browser?: Browser;
  /** Changes the authorization URL before the browser sees it (to play an attacker). */
  rewriteUrl?: (url: string) => string;
  /** Anything else signIn() takes: a kept registration, a fetch, a timeout, a signal… */
  options?: Partial<SignInOptions>;
}

/**
 * Runs the real signIn() against the sandbox, with Chromium as the person's browser: it signs in
 * on the sandbox's pages and answers the consent page. When the pages fail, sign-in is stopped
 * and the pages' error is thrown, so a test fails at once with the reason.
 */
export async function signInWithBrowser(
  sandbox: Sandbox,
  input: BrowserSignInInput,
): Promise<SignInResult> {
  const browser = input.browser ?? (await launchBrowser());
  const pagesFailed = new AbortController();
  let pageError: unknown;
  const signals = [pagesFailed.signal, input.options?.signal].filter((s) => s !== undefined);
  try {
    return await signIn({
      serverUrl: sandbox.mcpUrl,
      clientName: input.clientName ?? 'Splattr Companion for Claude Desktop',
      ...input.options,
      signal: AbortSignal.any(signals),
      openBrowser: async (url) => {
        const target = input.rewriteUrl?.(url) ?? url;
        completeSignIn(browser, target, {
          email: input.email,
          password: input.password,
          consent: input.consent ?? 'allow',
        }).catch((error: unknown) => {
          pageError = error;
          pagesFailed.abort();
        });
      },
    });
  } catch (error) {
    throw pageError ?? error;
  } finally {
    if (!input.browser) await browser.close();
  }
}
