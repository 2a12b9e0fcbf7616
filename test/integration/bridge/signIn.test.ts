import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTokenManager } from '../../../src/core/credentials/tokenManager';
import { createTokenStore } from '../../../src/core/credentials/tokenStore';
import { openRegistryReader } from '../../../src/core/registry/registryReader';
import { ERROR_MESSAGES } from '../../../src/shared/errors';
import { DEMO } from '../../../support/companion';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';
import { toolText, withSandbox } from '../../helpers/sandbox';
import { createBridgeHome, type BridgeHome } from '../../helpers/bridge/launch';

const SIGN_IN =
  'Splattr needs you to sign in again: open Splattr Companion and click Reconnect on Claude Desktop';

/** How long a test waits for a status write that must come: a bound, not a speed requirement. */
const PATIENCE = { timeout: 20_000, interval: 20 };

async function whoami(client: Client) {
  return client.callTool({ name: 'whoami', arguments: {} });
}

describe.each([
  { mode: 'a 401 from Splattr', toolAuthErrors: false },
  { mode: 'a tool error "No authenticated user in context"', toolAuthErrors: true },
])('when Splattr refuses the token with $mode', ({ toolAuthErrors }) => {
  const sandbox = withSandbox({ toolAuthErrors });
  let bridge: BridgeHome;
  let client: Client;

  beforeAll(async () => {
    bridge = await createBridgeHome(sandbox(), { client: 'claude-desktop' });
    client = await bridge.connect();
  });
  afterAll(async () => {
    await expectNoSecretsUnder([bridge.home], await bridge.fixture.secrets());
    await bridge.dispose();
  });

  it('refreshes once and retries, so the call still works', async () => {
    const store = createTokenStore();
    const stored = await store.get(bridge.fixture.id);
    // An access token Splattr does not know, still valid by its expiry: only Splattr can say no.
    // A bridge keeps its tokens in memory, so one started now is the one that holds it.
    await store.set(bridge.fixture.id, { ...stored!, accessToken: 'not-a-token-splattr-knows' });
    const result = await whoami(await bridge.connect());
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(toolText(result))).toMatchObject({ email: DEMO.email });
    expect((await store.get(bridge.fixture.id))?.accessToken).not.toBe('not-a-token-splattr-knows');
  });

  it('after a revoke, says to reconnect (naming the client) and marks the connection', async () => {
    await sandbox().controls.revokeAccount(DEMO.email);
    const result = await whoami(client);
    expect(result.isError).toBe(true);
    expect(toolText(result)).toContain(SIGN_IN);
    await expect(client.listTools()).rejects.toThrow(SIGN_IN);
    // The bridge writes its status after answering.
    await vi.waitFor(
      async () =>
        expect(await bridge.status()).toMatchObject({
          needsSignIn: true,
          lastError: ERROR_MESSAGES.needs_sign_in,
        }),
      PATIENCE,
    );
  });

  it('works again in the same process once the person has signed in again', async () => {
    await bridge.reconnect();
    const result = await whoami(client);
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(toolText(result))).toMatchObject({ email: DEMO.email });
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await vi.waitFor(async () => {
      const status = await bridge.status();
      expect(status?.needsSignIn).toBe(false);
      expect(status?.lastError).toBeUndefined();
    }, PATIENCE);
  });
});

describe('a sign-in elsewhere while the bridge still holds working tokens', () => {
  const sandbox = withSandbox();

  it('the running bridge uses the new tokens from its next call (here: another account)', async () => {
    const bridge = await createBridgeHome(sandbox(), { client: 'cursor' });
    const issued: string[] = [];
    try {
      const client = await bridge.connect();
      expect(JSON.parse(toolText(await whoami(client)))).toMatchObject({ email: DEMO.email });

      // Reconnect as the app does it: new tokens through the token manager, which also writes
      // the connection's status. The old tokens are still valid, so only that can tell the bridge.
      const other = await sandbox().controls.issueTokens({
        email: 'bob@globex.test',
        clientId: bridge.fixture.record.registration.clientId,
      });
      issued.push(other.accessToken, other.refreshToken);
      const { dataDir } = bridge;
      await createTokenManager({ dataDir, registry: openRegistryReader({ dataDir }) }).storeTokens(
        bridge.fixture.id,
        {
          accessToken: other.accessToken,
          refreshToken: other.refreshToken,
          expiresAt: Date.now() + other.expiresIn * 1000,
        },
      );

      const result = await whoami(client);
      expect(result.isError).toBeFalsy();
      expect(JSON.parse(toolText(result))).toMatchObject({ email: 'bob@globex.test' });
    } finally {
      await expectNoSecretsUnder([bridge.home], [...(await bridge.fixture.secrets()), ...issued]);
      await bridge.dispose();
    }
  });
});
