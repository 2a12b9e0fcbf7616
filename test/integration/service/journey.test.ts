import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser } from 'playwright-core';
import { createTokenStore } from '../../../src/core/credentials/tokenStore';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { launchBrowser, revokeOnSecurityPage } from '../../helpers/browser';
import {
  BRIDGE_SCRIPT,
  DEMO,
  connectThroughEntry,
  createTestCompanion,
  type TestCompanion,
} from '../../../support/companion';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';
import { toolText } from '../../helpers/sandbox';
import { BRIDGE_NODE_FLAGS } from '../../../src/core/bridgeNodeFlags';

const SIGN_IN_SENTENCE =
  'Splattr needs you to sign in again: open Splattr Companion and click Reconnect on Cursor.';

describe.each([
  { mode: 'a 401 for a revoked token', toolAuthErrors: false },
  { mode: 'the tool error "No authenticated user in context"', toolAuthErrors: true },
])('the whole journey when Splattr answers $mode', ({ toolAuthErrors }) => {
  let sandbox: Sandbox;
  let browser: Browser;
  let companion: TestCompanion;
  const keychain = createTokenStore();

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([startSandbox({ toolAuthErrors }), launchBrowser()]);
    companion = await createTestCompanion(sandbox, browser);
  });
  afterAll(async () => {
    await companion?.dispose();
    await Promise.all([browser?.close(), sandbox?.close()]);
  });

  it('adds, survives a revoke, reconnects the running bridge, and removes cleanly', async () => {
    const { service } = companion;
    const pendingUrls: string[] = [];
    service.onEvent((event) => {
      if (event.type === 'sign-in-pending') pendingUrls.push(event.url);
    });

    // Add: sign-in in the browser, then the config entry, with no token in it.
    const added = await service.add({ client: 'cursor' });
    expect(pendingUrls).toHaveLength(1);
    expect(added.connection).toMatchObject({
      client: 'cursor',
      status: 'connected',
      account: { email: DEMO.email, organization: 'Acme' },
    });
    const entry = await companion.configEntry('cursor');
    expect(entry).toEqual({
      command: process.execPath,
      args: [...BRIDGE_NODE_FLAGS, BRIDGE_SCRIPT, '--connection', added.connection.id],
      env: { SPLATTR_COMPANION_HOME: companion.dataDir },
    });
    const stored = await keychain.get(added.connection.id);
    expect(stored?.refreshToken).toBeTruthy();

    // The client launches the bridge from that entry and uses Splattr.
    const client = await connectThroughEntry(entry!, companion.home);
    try {
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('whoami');
      expect(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).toContain(
        DEMO.email,
      );

      // Access revoked on Splattr's Security page: the next call says what to do.
      await revokeOnSecurityPage(browser, sandbox.origin, DEMO);
      const refused = await client.callTool({ name: 'whoami', arguments: {} });
      expect(refused.isError).toBe(true);
      expect(toolText(refused)).toBe(SIGN_IN_SENTENCE);
      await vi.waitFor(
        async () => {
          const [listed] = await service.listConnections({});
          expect(listed?.status).toBe('needs_sign_in');
        },
        { timeout: 10_000, interval: 100 },
      );

      // Reconnect: one more sign-in, and the same bridge process answers again.
      const reconnected = await service.reconnect({ id: added.connection.id });
      expect(reconnected.status).toBe('connected');
      expect(pendingUrls).toHaveLength(2);
      expect(toolText(await client.callTool({ name: 'whoami', arguments: {} }))).toContain('Acme');
      expect((await service.test({ id: added.connection.id })).toolCount).toBeGreaterThan(0);

      const secrets = [stored?.accessToken, stored?.refreshToken];
      const current = await keychain.get(added.connection.id);
      secrets.push(current?.accessToken, current?.refreshToken);
      await expectNoSecretsUnder([companion.home], secrets);
    } finally {
      await client.close();
    }

    // Remove: entry gone, keychain entry gone, the grant revoked at Splattr.
    const registration = (await service.listConnections({}))[0];
    expect(registration).toBeDefined();
    const grantsBefore = await sandbox.controls.listGrants(DEMO.email);
    expect(grantsBefore).toHaveLength(1);
    await service.remove({ id: added.connection.id });
    expect(await companion.configEntry('cursor')).toBeUndefined();
    expect(await keychain.get(added.connection.id)).toBeUndefined();
    expect(await sandbox.controls.listGrants(DEMO.email)).toEqual([]);
    expect(await service.listConnections({})).toEqual([]);
  });
});
