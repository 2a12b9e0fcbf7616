import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getClient } from '../../src/core/clients';
import { createTokenStore } from '../../src/core/credentials/tokenStore';
import { startSandbox, type Sandbox } from '../../src/sandbox';
import { NEEDS_SIGN_IN_HINT } from '../../src/shared/connection';
import { launchBrowser, revokeOnSecurityPage } from '../helpers/browser';
import {
  BRIDGE_SCRIPT,
  DEMO,
  connectThroughEntry,
  createTestCompanion,
  type TestCompanion,
} from '../../support/companion';
import { expectNoSecretsUnder } from '../helpers/noSecrets';
import { toolText } from '../helpers/sandbox';
import { startHarness, type Harness } from '../helpers/ui';
import { newAppPage, screenshot } from '../helpers/ui/appPage';
import { BRIDGE_NODE_FLAGS } from '../../src/core/bridgeNodeFlags';

const ACCOUNT_LINE = 'demo@splattr.test · Acme';
const SIGN_IN_SENTENCE =
  'Splattr needs you to sign in again: open Splattr Companion and click Reconnect on Claude Desktop.';
/** The bridge reports a revoke through its status file; the app watches it. Bounded wait. */
const STATUS_FILE_WAIT_MS = 10_000;
const SIGN_IN_START_WAIT_MS = 10_000;

let sandbox: Sandbox;
let browser: Browser;
let companion: TestCompanion;
let harness: Harness;
let page: Page;
let pageErrors: string[];
const keychain = createTokenStore();

beforeAll(async () => {
  [sandbox, browser] = await Promise.all([startSandbox(), launchBrowser()]);
  companion = await createTestCompanion(sandbox, browser);
  harness = await startHarness({ impl: companion.service });
  ({ page, pageErrors } = await newAppPage(browser, harness));
});

afterAll(async () => {
  await page?.context().close();
  await harness?.close();
  await companion?.dispose();
  await Promise.all([browser?.close(), sandbox?.close()]);
});

async function shot(name: string): Promise<void> {
  await screenshot(page, `journey-${name}`);
}

const row = () => page.getByRole('listitem', { name: 'Claude Desktop' });
const toasts = () => page.getByRole('region', { name: /^Notifications/ });
const signingIn = () =>
  page.getByRole('region', { name: 'Waiting for you to sign in in your browser…' });

/** Waits for a success toast, then closes every toast so the next screenshot shows the page. */
async function toastThenDismiss(title: string): Promise<string> {
  const toast = toasts().getByRole('listitem').filter({ hasText: title });
  await toast.waitFor();
  const text = await toast.innerText();
  const close = toasts().getByRole('button', { name: 'Dismiss' });
  for (let open = await close.count(); open > 0; open--) await close.first().click();
  await close.first().waitFor({ state: 'detached' });
  return text;
}

describe('the journey through the window, against the real service and the sandbox', () => {
  it('adds Claude Desktop, survives a revoke, reconnects the running bridge, and removes it', async () => {
    const configPath = getClient('claude-desktop').configPath({ env: companion.env });

    // Empty: both apps listed with the config file each one reads, nothing connected yet.
    await page.goto(harness.url);
    await page.getByRole('heading', { name: 'No connections yet' }).waitFor();
    await harness.whenSubscribed();
    const card = page.getByRole('article', { name: 'Claude Desktop' });
    expect(await card.getByText(configPath).isVisible()).toBe(true);
    await shot('01-empty');

    // Add, with a browser that does not come to the front: the app waits, its link can be
    // copied, and "Open browser again" brings the sign-in page up, where the person signs in.
    companion.consent = 'ignore';
    await card.getByRole('button', { name: 'Add to Claude Desktop' }).click();
    const copy = signingIn().getByRole('button', { name: 'Copy link' });
    // Enabled once the service knows the link: after discovery and registration at Splattr.
    await expect.poll(() => copy.isEnabled(), { timeout: SIGN_IN_START_WAIT_MS }).toBe(true);
    expect(await signingIn().getByText('Adding Splattr to Claude Desktop').isVisible()).toBe(true);
    expect(await signingIn().getByRole('button', { name: 'Cancel' }).isEnabled()).toBe(true);
    await shot('02-waiting-for-sign-in');
    await copy.click();
    await toastThenDismiss('Sign-in link copied');
    const link = new URL(await page.evaluate(() => navigator.clipboard.readText()));
    expect(link.origin).toBe(sandbox.origin);
    expect(link.searchParams.get('code_challenge_method')).toBe('S256');
    expect(new URL(link.searchParams.get('redirect_uri')!).hostname).toBe('127.0.0.1');

    companion.consent = 'allow';
    await signingIn().getByRole('button', { name: 'Open browser again' }).click();

    // Connected, with the account, and the hint that Claude Desktop reads its config at launch.
    await row().getByText(ACCOUNT_LINE).waitFor();
    expect(await row().getByText('Connected').isVisible()).toBe(true);
    // The list refreshes from the registry as the add returns: the panel closes a render later.
    await expect.poll(() => signingIn().count()).toBe(0);
    expect(await toastThenDismiss('Splattr is added to Claude Desktop')).toContain(
      `Signed in as ${ACCOUNT_LINE}.`,
    );
    const restart = page.getByRole('region', { name: 'Restart Claude Desktop to load Splattr' });
    expect(
      await restart.getByText('Claude Desktop reads its settings only when it starts.').isVisible(),
    ).toBe(true);
    await shot('03-connected');

    // The config file holds our entry, launching the bridge for this connection, and no token.
    const [connection] = await companion.service.listConnections({});
    expect(connection).toMatchObject({ client: 'claude-desktop', status: 'connected' });
    const id = connection!.id;
    const entry = await companion.configEntry('claude-desktop');
    expect(entry).toEqual({
      command: process.execPath,
      args: [...BRIDGE_NODE_FLAGS, BRIDGE_SCRIPT, '--connection', id],
      env: { SPLATTR_COMPANION_HOME: companion.dataDir },
    });
    const firstTokens = await keychain.get(id);
    expect(firstTokens?.refreshToken).toBeTruthy();
    await expectNoSecretsUnder(
      [companion.home],
      [firstTokens?.accessToken, firstTokens?.refreshToken],
    );

    // Claude Desktop launches the bridge from that entry and uses Splattr.
    const bridge = await connectThroughEntry(entry!, companion.home);
    try {
      const whoami = toolText(await bridge.callTool({ name: 'whoami', arguments: {} }));
      expect(whoami).toContain(DEMO.email);
      expect(whoami).toContain('Acme');

      // Access revoked on Splattr's Security page: the next call says what to do, and the
      // window shows the connection needs sign-in, told by the bridge's status file.
      await revokeOnSecurityPage(
        browser,
        sandbox.origin,
        DEMO,
        'Splattr Companion for Claude Desktop',
      );
      const refused = await bridge.callTool({ name: 'whoami', arguments: {} });
      expect(refused.isError).toBe(true);
      expect(toolText(refused)).toBe(SIGN_IN_SENTENCE);
      await row().getByText('Needs sign-in').waitFor({ timeout: STATUS_FILE_WAIT_MS });
      expect(await row().getByText(NEEDS_SIGN_IN_HINT).isVisible()).toBe(true);
      await restart.getByRole('button', { name: 'Dismiss' }).click();
      await shot('04-needs-sign-in');

      // Reconnect: the browser opens, the person signs in, and the same bridge answers again.
      await row().getByRole('button', { name: 'Reconnect Claude Desktop' }).click();
      await row().getByText('Connected').waitFor();
      expect(await toastThenDismiss('Claude Desktop is connected again')).toContain(ACCOUNT_LINE);
      expect(await row().getByText(NEEDS_SIGN_IN_HINT).count()).toBe(0);
      await shot('05-reconnected');
      expect(toolText(await bridge.callTool({ name: 'whoami', arguments: {} }))).toContain(
        DEMO.email,
      );

      // Test launches its own bridge and reports what Splattr offers.
      const { tools } = await bridge.listTools();
      await row().getByRole('button', { name: 'Test Claude Desktop' }).click();
      expect(await toastThenDismiss('Claude Desktop’s connection works')).toMatch(
        new RegExp(`Splattr answered with ${tools.length} tools in \\d+ ms\\.`),
      );

      const current = await keychain.get(id);
      await expectNoSecretsUnder(
        [companion.home],
        [
          firstTokens?.accessToken,
          firstTokens?.refreshToken,
          current?.accessToken,
          current?.refreshToken,
        ],
      );
    } finally {
      await bridge.close();
    }

    // Remove: the dialog says what will happen; confirming does all of it.
    expect(await sandbox.controls.listGrants(DEMO.email)).toHaveLength(1);
    await row().getByRole('button', { name: 'Remove Claude Desktop' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Remove Splattr from Claude Desktop?' });
    await dialog.waitFor();
    const said = await dialog.innerText();
    expect(said).toContain('remove the “splattr” entry from Claude Desktop’s config');
    expect(said).toContain(configPath);
    expect(said).toContain('delete this connection’s tokens from the system keychain');
    expect(said).toContain(`revoke Splattr Companion’s access at Splattr for ${ACCOUNT_LINE}`);
    await shot('06-remove-confirmation');
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('heading', { name: 'No connections yet' }).waitFor();
    expect(await row().count()).toBe(0);
    await toastThenDismiss('Splattr is removed from Claude Desktop');
    expect(await card.getByRole('button', { name: 'Add to Claude Desktop' }).isEnabled()).toBe(
      true,
    );
    await shot('07-removed');

    expect(await companion.configEntry('claude-desktop')).toBeUndefined();
    expect(await keychain.get(id)).toBeUndefined();
    expect(await sandbox.controls.listGrants(DEMO.email)).toEqual([]);
    // Nothing the person did broke the page or tripped its Content-Security-Policy.
    expect(pageErrors).toEqual([]);
  });
});
