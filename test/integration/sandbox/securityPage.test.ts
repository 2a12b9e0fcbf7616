import { describe, expect, it } from 'vitest';
import { revokeOnSecurityPage, withBrowser } from '../../helpers/browser';
import { postWithToken, withSandbox } from '../../helpers/sandbox';

const DEMO = { email: 'demo@splattr.test', password: 'demo' };

describe('Settings → Security page', () => {
  const sandbox = withSandbox();
  const browser = withBrowser();

  it('asks for sign-in first and refuses a wrong password', async () => {
    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${sandbox().origin}/settings/security`);
    await page.getByLabel('Email').fill(DEMO.email);
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('do not match');
    await expect(page.getByRole('heading', { name: 'Settings → Security' }).count()).resolves.toBe(
      0,
    );
    await context.close();
  });

  it('lists each authorized client once, shows names as text, and Revoke all ends every session', async () => {
    const { origin, mcpUrl, controls } = sandbox();
    const hostile = '<img src=x onerror="window.pwned=1"> Tool';
    const first = await controls.issueTokens({
      email: DEMO.email,
      clientName: 'Splattr Companion for Cursor',
    });
    await controls.issueTokens({ email: DEMO.email, clientId: first.clientId });
    const second = await controls.issueTokens({ email: DEMO.email, clientName: hostile });
    await controls.issueTokens({ email: 'bob@globex.test', clientName: 'Bob only' });

    const context = await browser().newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/settings/security`);
    await page.getByLabel('Email').fill(DEMO.email);
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Settings → Security' }).waitFor();
    const rows = page.getByRole('row').filter({ has: page.getByRole('cell') });
    await expect(rows.allInnerTexts()).resolves.toHaveLength(2);
    const names = await page.locator('tbody tr td:first-child').allInnerTexts();
    expect(names.sort()).toEqual([hostile, 'Splattr Companion for Cursor'].sort());
    expect(await page.evaluate(() => 'pwned' in window)).toBe(false);
    expect(await page.locator('tbody img').count()).toBe(0);

    await page.getByRole('button', { name: 'Revoke all', exact: true }).click();
    await expect(page.getByRole('status').innerText()).resolves.toContain('revoked');
    await expect(
      page.getByText('No application has access to your account.').count(),
    ).resolves.toBe(1);
    await context.close();

    expect(await controls.listGrants(DEMO.email)).toEqual([]);
    expect(await controls.listGrants('bob@globex.test')).toHaveLength(1);
    for (const token of [first.accessToken, second.accessToken]) {
      const call = await postWithToken(mcpUrl, token);
      expect(call.status).toBe(401);
    }
  });

  it('revokes one client by name and keeps the others', async () => {
    const { origin, controls } = sandbox();
    await controls.issueTokens({ email: DEMO.email, clientName: 'Keep me' });
    await controls.issueTokens({ email: DEMO.email, clientName: 'Drop me' });
    const notice = await revokeOnSecurityPage(browser(), origin, DEMO, 'Drop me');
    expect(notice).toBe('Access for Drop me was revoked.');
    expect((await controls.listGrants(DEMO.email)).map((grant) => grant.clientName)).toEqual([
      'Keep me',
    ]);
  });

  it('ignores a revoke posted without the session and its form token', async () => {
    const { origin, controls } = sandbox();
    const tokens = await controls.issueTokens({
      email: DEMO.email,
      clientName: 'Cross-site target',
    });
    const forged = await fetch(`${origin}/settings/security/revoke-all`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: 'guess', client_id: tokens.clientId }),
      redirect: 'manual',
    });
    expect(forged.status).toBe(303);
    expect((await controls.listGrants(DEMO.email)).map((grant) => grant.clientId)).toContain(
      tokens.clientId,
    );
  });
});
