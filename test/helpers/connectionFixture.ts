import { randomUUID } from 'node:crypto';
import { createTokenStore, type TokenStore } from '../../src/core/credentials/tokenStore';
import { discoverServer } from '../../src/core/oauth/discovery';
import type { OAuthServerInfo, TokenSet } from '../../src/core/oauth/types';
import { openRegistry } from '../../src/core/registry/registry';
import type { ConnectionRecord } from '../../src/core/registry/schema';
import type { ClientId } from '../../src/shared/clients';
import type { Sandbox } from '../../src/sandbox';

export interface ConnectionFixture {
  id: string;
  record: ConnectionRecord;
  /** The tokens first stored (a real grant from the sandbox). */
  tokens: TokenSet;
  /** Every token seen so far, the keychain's current ones included: for expectNoSecretsUnder. */
  secrets(): Promise<string[]>;
  /** Removes the keychain entry (the data folder is the test's to delete). */
  dispose(): Promise<void>;
}

export interface ConnectionFixtureOptions {
  dataDir: string;
  email?: string;
  client?: ClientId;
  /** Absolute expiry to store; default: what the sandbox said. A past value forces a refresh. */
  expiresAt?: number;
  tokenStore?: TokenStore;
}

/**
 * A connection as a finished sign-in leaves it, without the browser: the registry record in
 * `dataDir` and the tokens in the real keychain, from a real grant the sandbox issued
 * (`issueTokens`), with the server found through the sandbox's metadata documents.
 */
export async function createConnectionFixture(
  sandbox: Sandbox,
  options: ConnectionFixtureOptions,
): Promise<ConnectionFixture> {
  const store = options.tokenStore ?? createTokenStore();
  const client = options.client ?? 'cursor';
  const server: OAuthServerInfo = await discoverServer(sandbox.mcpUrl);
  const issued = await sandbox.controls.issueTokens({
    email: options.email ?? 'demo@splattr.test',
  });
  const now = new Date().toISOString();
  const id = `test-${randomUUID()}`;
  const record = openRegistry({ dataDir: options.dataDir }).put({
    id,
    client,
    serverUrl: sandbox.mcpUrl,
    server,
    registration: {
      clientId: issued.clientId,
      redirectUris: ['http://127.0.0.1/callback'],
      clientName: `Splattr Companion test client (${client})`,
      registeredAt: now,
    },
    account: { email: options.email ?? 'demo@splattr.test' },
    createdAt: now,
    updatedAt: now,
    state: 'active',
  });
  const tokens: TokenSet = {
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    expiresAt: options.expiresAt ?? Date.now() + issued.expiresIn * 1000,
    scope: issued.scope,
  };
  await store.set(id, tokens);

  const seen = new Set([issued.accessToken, issued.refreshToken]);
  return {
    id,
    record,
    tokens,
    async secrets() {
      const current = await store.get(id);
      if (current) [current.accessToken, current.refreshToken].forEach((t) => t && seen.add(t));
      return [...seen];
    },
    async dispose() {
      await store.delete(id);
    },
  };
}
