import type { Browser } from 'playwright-core';
import type { Sandbox } from '../src/sandbox';
import { launchBrowser } from '../support/browser';
import { DEMO } from '../support/companion';
import { signInWithBrowser } from '../support/signIn';

export interface SignInFigures {
  browserLaunchMs: number;
  /** Each from signIn() called to tokens in hand: discovery, registration, the pages, the exchange. */
  signInMs: number[];
}

/** Launches Chromium (kept for the add that follows) and times whole sign-ins with it. */
export async function measureSignIn(
  sandbox: Sandbox,
  samples: number,
): Promise<{ browser: Browser; figures: SignInFigures }> {
  const launched = performance.now();
  const browser = await launchBrowser();
  const figures: SignInFigures = { browserLaunchMs: performance.now() - launched, signInMs: [] };
  try {
    for (let i = 0; i < samples; i++) {
      const started = performance.now();
      await signInWithBrowser(sandbox, { ...DEMO, browser, options: { timeoutMs: 60_000 } });
      figures.signInMs.push(performance.now() - started);
    }
  } catch (error) {
    await browser.close();
    throw error;
  }
  return { browser, figures };
}
