import type { Browser } from 'playwright-core';
import type { BridgeEntry } from '../src/core/bridgeEntry';
import { createTokenManager } from '../src/core/credentials/tokenManager';
import { createTokenStore } from '../src/core/credentials/tokenStore';
import { openRegistryReader } from '../src/core/registry/registryReader';
import type { Sandbox } from '../src/sandbox';
import { createTestCompanion } from '../support/companion';

export interface BenchConnection {
  id: string;
  /** The `splattr` entry the service wrote into Cursor's config in the temporary HOME. */
  entry: BridgeEntry;
  home: string;
  /** The whole "Add to Cursor": browser sign-in, keychain, config file. */
  addMs: number;
  /** The connection's current access token, from the keychain, for the direct client and mcp-remote. */
  accessToken(): Promise<string>;
  /** Stores the current tokens again as already expired, as if their lifetime had just ended. */
  expireTokens(): Promise<void>;
  /** Removes the connection as the app does (config entry, keychain, revocation), then the HOME. */
  dispose(): Promise<void>;
}

/** Adds Splattr to Cursor through the real CompanionService in a temporary HOME. */
export async function addBenchConnection(
  sandbox: Sandbox,
  browser: Browser,
): Promise<BenchConnection> {
  const companion = await createTestCompanion(sandbox, browser);
  const tokens = createTokenStore();
  let id: string | undefined;
  try {
    const started = performance.now();
    const added = await companion.service.add({ client: 'cursor' });
    const addMs = performance.now() - started;
    id = added.connection.id;
    const entry = await companion.configEntry('cursor');
    if (!entry) throw new Error('The service did not write a Cursor config entry.');
    const connectionId = id;
    const current = async () => {
      const stored = await tokens.get(connectionId);
      if (!stored) throw new Error('The connection has no tokens in the keychain.');
      return stored;
    };
    return {
      id,
      entry,
      home: companion.home,
      addMs,
      accessToken: async () => (await current()).accessToken,
      // Through the token manager, as every real change of tokens is, so running bridges drop
      // what they keep in memory (a bare keychain write would go unnoticed until a 401).
      expireTokens: async () =>
        createTokenManager({
          dataDir: companion.dataDir,
          registry: openRegistryReader({ dataDir: companion.dataDir }),
        }).storeTokens(connectionId, { ...(await current()), expiresAt: Date.now() - 1000 }),
      async dispose() {
        await companion.service.remove({ id: connectionId }).finally(() => companion.dispose());
      },
    };
  } catch (error) {
    if (id) await companion.service.remove({ id }).catch(() => undefined);
    await companion.dispose();
    throw error;
  }
}
