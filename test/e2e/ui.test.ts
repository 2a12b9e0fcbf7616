import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES, CompanionError } from '../../src/shared/errors';
import type { Connection } from '../../src/shared/connection';
import { launchBrowser } from '../helpers/browser';
import { startHarness, type Harness } from '../helpers/ui';
import { newAppPage, screenshot } from '../helpers/ui/appPage';
import { createFakeCompanion, SIGN_IN_URL, type FakeCompanion } from '../helpers/ui/fakeCompanion';

const ADA = { email: 'ada@splattr.test', name: 'Ada Lovelace', organization: 'Acme' };

let browser: Browser;
let fake: FakeCompanion;
let harness: Harness;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  fake = createFakeCompanion();
  harness = await startHarness({ impl: fake.impl });
  ({ page, pageErrors } = await newAppPage(browser, harness));
});

afterEach(async () => {
  await page?.context().close();
  await harness?.close();
  // Nothing the person did may have broken the page or tripped its Content-Security-Policy.
  expect(pageErrors).toEqual([]);
});

async function open(): Promise<void> {
  await page.goto(harness.url);
  await page.getByRole('heading', { name: 'Apps on this computer' }).waitFor();
  // The headings render before the lists arrive; reading a list before then finds it empty.
  await page.getByText('Looking for apps…').waitFor({ state: 'detached' });
  await page.getByText('Loading connections…').waitFor({ state: 'detached' });
  await harness.whenSubscribed();
}

async function shot(name: string): Promise<void> {
  await screenshot(page, name);
}

function connection(overrides: Partial<Connection> = {}): Connection {
  return {
    id: 'conn-cursor',
    client: 'cursor',
    serverUrl: 'https://mcp.splattr.com/mcp',
    status: 'connected',
    account: ADA,
    createdAt: '2025-01-01T10:00:00.000Z',
    lastUsedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    ...overrides,
  };
}

const row = (name: string) => page.getByRole('listitem', { name });
const toasts = () => page.getByRole('region', { name: /^Notifications/ });

const signingIn = () =>
  page.getByRole('region', { name: 'Waiting for you to sign in in your browser…' });

/** Waits until the browser sign-in has started (the app knows its link), then completes it. */
async function signInStarted(): Promise<void> {
  const copy = signingIn().getByRole('button', { name: 'Copy link' });
  await expect.poll(() => copy.isEnabled()).toBe(true);
}

async function signInAs(account: typeof ADA): Promise<void> {
  await signInStarted();
  fake.completeSignIn(account);
}

async function dismissToasts(): Promise<void> {
  const close = toasts().getByRole('button', { name: 'Dismiss' });
  for (let open = await close.count(); open > 0; open--) await close.first().click();
  await close.first().waitFor({ state: 'detached' });
}

describe('Splattr Companion window', () => {
  it('first shows every client and says what to do first', async () => {
    await open();
    await page.getByRole('heading', { name: 'No connections yet' }).waitFor();
    expect(await page.getByText('Choose an app above and click Add').isVisible()).toBe(true);

    const claude = page.getByRole('article', { name: 'Claude Desktop' });
    const cursor = page.getByRole('article', { name: 'Cursor' });
    expect(
      await claude.getByText('/home/ada/.config/Claude/claude_desktop_config.json').isVisible(),
    ).toBe(true);
    expect(await cursor.getByText('/home/ada/.cursor/mcp.json').isVisible()).toBe(true);
    expect(await claude.getByText('Installed on this computer').isVisible()).toBe(true);
    expect(await claude.getByRole('button', { name: 'Add to Claude Desktop' }).isEnabled()).toBe(
      true,
    );
    expect(await cursor.getByRole('button', { name: 'Add to Cursor' }).isEnabled()).toBe(true);
    await shot('01-empty-light');

    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('01-empty-dark');
  });

  it('lists the apps found on this computer first, and every other app under More apps', async () => {
    await open();
    const section = (name: string) =>
      page.getByRole('region', { name, exact: true }).getByRole('article');
    const names = async (name: string) =>
      (await section(name).all()).map((card) => card.getByRole('heading').textContent());

    expect(await Promise.all(await names('Apps on this computer'))).toEqual([
      'Claude Desktop',
      'Cursor',
      'Claude Code',
      'VS Code',
      'Codex CLI',
    ]);
    expect(await Promise.all(await names('More apps'))).toEqual([
      'VS Code Insiders',
      'Windsurf',
      'Gemini CLI',
      'Zed',
      'LM Studio',
    ]);
    // An app that is not installed yet can still be added, with its config file shown.
    const zed = page.getByRole('article', { name: 'Zed' });
    expect(await zed.getByText('Not found on this computer').isVisible()).toBe(true);
    expect(await zed.getByText('/home/ada/.config/zed/settings.json').isVisible()).toBe(true);
    expect(await zed.getByRole('button', { name: 'Add to Zed' }).isEnabled()).toBe(true);
    await page.setViewportSize({ width: 920, height: 1500 });
    await shot('01-all-apps');
  });

  it('after adding a terminal app, says its own next step and offers no restart', async () => {
    await open();
    await page.getByRole('button', { name: 'Add to Codex CLI' }).click();
    await signInAs(ADA);

    const notice = page.getByRole('region', { name: 'Start a new Codex session' });
    await notice.waitFor();
    expect(await notice.textContent()).toContain('run codex again, then /mcp shows “splattr”');
    expect(await notice.getByRole('button', { name: /Restart/ }).count()).toBe(0);
    // Once connected, the card points to its connection instead of offering Add again.
    const codex = page.getByRole('article', { name: 'Codex CLI' });
    await codex.getByText('Splattr is added. Manage it under Connections.').waitFor();
  });

  it('moves an app under More apps to the top once it has a connection', async () => {
    await open();
    await page.getByRole('button', { name: 'Add to Windsurf' }).click();
    await signInAs(ADA);
    await page.getByRole('region', { name: 'Refresh Windsurf’s MCP servers' }).waitFor();

    const found = page.getByRole('region', { name: 'Apps on this computer', exact: true });
    await found.getByRole('article', { name: 'Windsurf' }).waitFor();
    const more = page.getByRole('region', { name: 'More apps', exact: true });
    expect(await more.getByRole('article', { name: 'Windsurf' }).count()).toBe(0);
  });

  it('adds Cursor: waits for the browser sign-in with Copy link, then shows the account', async () => {
    await open();
    await page.getByRole('button', { name: 'Add to Cursor' }).click();

    const waiting = signingIn();
    await waiting.waitFor();
    expect(
      await page
        .getByRole('status')
        .filter({ hasText: 'Waiting for you to sign in in your browser…' })
        .count(),
    ).toBe(1);
    // While one sign-in is open, no second one can start.
    expect(await page.getByRole('button', { name: 'Add to Claude Desktop' }).isDisabled()).toBe(
      true,
    );
    await shot('02-signing-in');
    await waiting.getByRole('button', { name: 'Copy link' }).click();
    await toasts().getByText('Sign-in link copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(SIGN_IN_URL);
    await waiting.getByRole('button', { name: 'Open browser again' }).click();
    await expect.poll(() => fake.calls.some((c) => c.method === 'openSignInLink')).toBe(true);

    await signInAs(ADA);
    const added = row('Cursor');
    await added.getByText('ada@splattr.test · Acme').waitFor();
    expect(await added.getByText('Connected').isVisible()).toBe(true);
    expect(await waiting.count()).toBe(0);
    expect(fake.calls.find((c) => c.method === 'add')?.input).toEqual({
      client: 'cursor',
      replace: false,
    });
    // Cursor may start new servers switched off: the app says where to turn it on.
    await page.getByText('open Cursor Settings → MCP and turn on “splattr”').waitFor();
    await toasts().getByText('Splattr is added to Cursor').waitFor();
    await dismissToasts();
    await shot('03-connected-light');

    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('03-connected-dark');
  });

  it('cancels a sign-in without reporting an error', async () => {
    await open();
    await page.getByRole('button', { name: 'Add to Claude Desktop' }).click();
    const waiting = signingIn();
    await signInStarted();
    await waiting.getByRole('button', { name: 'Cancel' }).click();
    await waiting.waitFor({ state: 'detached' });
    expect(fake.signInPending).toBe(false);
    expect(fake.calls.map((c) => c.method)).toContain('cancelSignIn');
    expect(await toasts().getByText('Couldn’t').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add to Claude Desktop' }).isEnabled()).toBe(
      true,
    );
  });

  it('after adding Claude Desktop, offers to restart it', async () => {
    await open();
    await page.getByRole('button', { name: 'Add to Claude Desktop' }).click();
    await signingIn().waitFor();
    await signInAs(ADA);
    const notice = page.getByRole('region', { name: 'Restart Claude Desktop to load Splattr' });
    await notice.waitFor();
    await notice.getByRole('button', { name: 'Restart Claude Desktop' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(fake.calls.find((c) => c.method === 'restartClient')?.input).toEqual({
      client: 'claude-desktop',
    });
  });

  it('shows Needs sign-in when a connection loses access, and Reconnect brings it back', async () => {
    fake.seed([connection()]);
    await open();
    await row('Cursor').getByText('Connected').waitFor();

    const revoked = fake.update('conn-cursor', {
      status: 'needs_sign_in',
      lastError: ERROR_MESSAGES.needs_sign_in,
    });
    fake.emit({ type: 'needs-sign-in', connection: revoked });
    await row('Cursor').getByText('Needs sign-in').waitFor();
    expect(await row('Cursor').getByText(ERROR_MESSAGES.needs_sign_in).isVisible()).toBe(true);
    await shot('04-needs-sign-in');

    await row('Cursor').getByRole('button', { name: 'Reconnect Cursor' }).click();
    await signingIn().waitFor();
    await signInAs(ADA);
    await row('Cursor').getByText('Connected').waitFor();
    expect(await row('Cursor').getByText(ERROR_MESSAGES.needs_sign_in).count()).toBe(0);
  });

  it('offers Repair only for a connection missing from the config', async () => {
    fake.seed([
      connection(),
      connection({
        id: 'conn-claude',
        client: 'claude-desktop',
        status: 'missing_from_config',
        lastError: 'Splattr is no longer in Claude Desktop’s config. Click Repair to put it back.',
      }),
    ]);
    await open();
    await row('Claude Desktop').getByText('Missing from config').waitFor();
    expect(
      await row('Cursor')
        .getByRole('button', { name: /Repair/ })
        .count(),
    ).toBe(0);
    await shot('05-missing-from-config');

    await row('Claude Desktop').getByRole('button', { name: 'Repair Claude Desktop' }).click();
    await row('Claude Desktop').getByText('Connected').waitFor();
    // Claude Desktop reads the repaired entry only when it starts again.
    await page.getByRole('heading', { name: 'Restart Claude Desktop to load Splattr' }).waitFor();
    expect(
      await row('Claude Desktop')
        .getByRole('button', { name: /Repair/ })
        .count(),
    ).toBe(0);
  });

  it('shows a connection the app moved away from as needing repair, and Repair fixes it', async () => {
    fake.seed([
      connection({
        status: 'needs_repair',
        lastError:
          'Cursor starts Splattr from a place that no longer exists (Splattr Companion moved or was updated). Click Repair to point it at this copy.',
      }),
    ]);
    await open();
    await row('Cursor').getByText('Needs repair').waitFor();
    expect(await row('Cursor').getByText('no longer exists').count()).toBe(1);
    await shot('05b-needs-repair');

    await row('Cursor').getByRole('button', { name: 'Repair Cursor' }).click();
    await row('Cursor').getByText('Connected').waitFor();
    expect(fake.calls.find((c) => c.method === 'repair')?.input).toEqual({ id: 'conn-cursor' });
  });

  it('says when its start pointed the clients at this copy, and offers the restart it needs', async () => {
    fake.seed([connection(), connection({ id: 'conn-claude', client: 'claude-desktop' })]);
    await open();
    fake.emit({
      type: 'entries-healed',
      clients: ['claude-desktop', 'cursor'],
      restart: ['claude-desktop'],
    });
    await toasts().getByText('Claude Desktop, Cursor will start Splattr from this copy.').waitFor();
    await page.getByRole('heading', { name: 'Restart Claude Desktop to load Splattr' }).waitFor();
    await page.getByRole('button', { name: 'Restart Claude Desktop' }).click();
    await expect
      .poll(() => fake.calls.find((c) => c.method === 'restartClient')?.input)
      .toEqual({ client: 'claude-desktop' });
  });

  it('asks before removing, saying exactly what Remove does', async () => {
    fake.seed([connection()]);
    await open();
    await row('Cursor').getByRole('button', { name: 'Remove Cursor' }).click();

    const dialog = page.getByRole('alertdialog', { name: 'Remove Splattr from Cursor?' });
    await dialog.waitFor();
    const text = await dialog.innerText();
    expect(text).toContain('remove the “splattr” entry from Cursor’s config');
    expect(text).toContain('/home/ada/.cursor/mcp.json');
    expect(text).toContain('delete this connection’s tokens from the system keychain');
    expect(text).toContain('revoke Splattr Companion’s access at Splattr for ada@splattr.test');
    // The safe answer has the focus, so Enter does not remove anything.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await shot('06-remove-confirmation');

    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    expect(fake.calls.some((c) => c.method === 'remove')).toBe(false);
    expect(await row('Cursor').isVisible()).toBe(true);

    await row('Cursor').getByRole('button', { name: 'Remove Cursor' }).click();
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('heading', { name: 'No connections yet' }).waitFor();
    expect(fake.calls.find((c) => c.method === 'remove')?.input).toEqual({ id: 'conn-cursor' });
  });

  it('shows the service’s sentence when an action fails', async () => {
    fake.seed([connection()]);
    await open();
    fake.failNext('test', new CompanionError('server_unreachable'));
    await row('Cursor').getByRole('button', { name: 'Test Cursor' }).click();
    const failure = toasts().getByRole('listitem').filter({ hasText: 'Couldn’t test Cursor' });
    await failure.waitFor();
    expect(await failure.innerText()).toContain(ERROR_MESSAGES.server_unreachable);
    await shot('07-error');

    await row('Cursor').getByRole('button', { name: 'Test Cursor' }).click();
    await toasts().getByText('Splattr answered with 12 tools in 84 ms.').waitFor();
  });

  it('can be used with the keyboard alone, with a visible focus on every action', async () => {
    fake.seed([connection({ status: 'missing_from_config' })]);
    await open();
    await row('Cursor').getByText('Missing from config').waitFor();

    const reached: string[] = [];
    for (let i = 0; i < 16; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element || element === document.body) return null;
        const style = getComputedStyle(element);
        return {
          name: element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '',
          outlined: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
        };
      });
      if (!focused) continue;
      expect(focused.outlined, `focus is visible on ${focused.name}`).toBe(true);
      reached.push(focused.name);
    }
    // In reading order: the header, the apps found here without a connection, the other apps,
    // then the row's actions.
    expect(reached.slice(0, 14)).toEqual([
      'Settings',
      'Add to Claude Desktop',
      'Add to Claude Code',
      'Add to VS Code',
      'Add to Codex CLI',
      'Add to VS Code Insiders',
      'Add to Windsurf',
      'Add to Gemini CLI',
      'Add to Zed',
      'Add to LM Studio',
      'Reconnect Cursor',
      'Test Cursor',
      'Repair Cursor',
      'Remove Cursor',
    ]);

    await page.getByRole('button', { name: 'Remove Cursor' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('alertdialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('alertdialog').waitFor({ state: 'detached' });
    // Closing the dialog gives the focus back to the button that opened it (a moment after the
    // dialog leaves the page).
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')))
      .toBe('Remove Cursor');
  });

  it('asks before acting on a splattr-companion:// link, and focuses a connection on request', async () => {
    fake.seed([connection()]);
    await open();
    fake.emit({ type: 'deep-link-add', client: 'claude-desktop' });
    const dialog = page.getByRole('alertdialog', { name: 'Add Splattr to Claude Desktop?' });
    await dialog.waitFor();
    expect(fake.calls.some((c) => c.method === 'add')).toBe(false);
    await dialog.getByRole('button', { name: 'Add to Claude Desktop' }).click();
    await signInStarted();
    expect(fake.calls.find((c) => c.method === 'add')?.input).toEqual({
      client: 'claude-desktop',
      replace: false,
    });
    await signingIn().getByRole('button', { name: 'Cancel' }).click();
    await signingIn().waitFor({ state: 'detached' });

    fake.emit({ type: 'focus-connection', id: 'conn-cursor' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-labelledby')))
      .toBe('connection-conn-cursor');
  });

  it('changes the Splattr address in Settings, refusing one that is not a URL', async () => {
    await open();
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const field = dialog.getByLabel('Splattr server address');
    await expect.poll(() => field.inputValue()).toBe('https://mcp.splattr.com/mcp');

    await field.fill('splattr');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByRole('alert').innerText()).toContain('Enter a full address');
    expect(fake.calls.some((c) => c.method === 'setSettings')).toBe(false);
    await shot('08-settings');

    await field.fill('https://splattr.acme.example/mcp');
    // Advanced: a client id the organization's administrator registered.
    await dialog.getByLabel('Client ID (optional)').fill('  acme-companion  ');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(fake.calls.find((c) => c.method === 'setSettings')?.input).toEqual({
      serverUrl: 'https://splattr.acme.example/mcp',
      clientId: 'acme-companion',
    });
  });

  it('saves a proxy in Settings, refusing one with a password under its own field', async () => {
    await open();
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const proxy = dialog.getByLabel('Proxy server (optional)');
    await expect.poll(() => proxy.inputValue()).toBe('');

    await proxy.fill('http://me:pw-4711@proxy.acme.example:3128');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.getAttribute('id')).toBe('proxy-url-error');
    expect(await alert.innerText()).toContain('cannot be saved in Settings');
    expect(await alert.innerText()).not.toContain('pw-4711');
    expect(fake.calls.some((c) => c.method === 'setSettings')).toBe(false);

    await proxy.fill('proxy.acme.example:3128');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(fake.calls.find((c) => c.method === 'setSettings')?.input).toEqual({
      serverUrl: 'https://mcp.splattr.com/mcp',
      proxyUrl: 'proxy.acme.example:3128',
    });
    // Without a tray app behind the page there is no login item to offer.
    await page.getByRole('button', { name: 'Settings' }).click();
    // Counted once the saved settings have filled the form, so an absent box is not just early.
    await expect.poll(() => proxy.inputValue()).toBe('proxy.acme.example:3128');
    expect(await dialog.getByRole('checkbox').count()).toBe(0);
  });

  it('turns opening at login off in Settings', async () => {
    fake.seedSettings({ serverUrl: 'https://mcp.splattr.com/mcp', launchAtLogin: true });
    await open();
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const box = dialog.getByRole('checkbox', { name: 'Open Splattr Companion when you log in' });
    await expect.poll(() => box.isChecked()).toBe(true);
    await shot('08b-settings-launch-at-login');
    await box.uncheck();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(fake.calls.find((c) => c.method === 'setSettings')?.input).toEqual({
      serverUrl: 'https://mcp.splattr.com/mcp',
      launchAtLogin: false,
    });

    await page.getByRole('button', { name: 'Settings' }).click();
    await expect.poll(() => box.isChecked()).toBe(false);
  });
});
