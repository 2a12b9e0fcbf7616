import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { createTokenStore } from '../../../src/core/credentials/tokenStore';
import { openStatusFiles, type ConnectionStatusFile } from '../../../src/core/registry/statusFiles';
import type { ClientId } from '../../../src/shared/clients';
import type { Sandbox } from '../../../src/sandbox';
import { createConnectionFixture, type ConnectionFixture } from '../connectionFixture';
import { BRIDGE_SCRIPT, mcpClientEnv } from '../../../support/companion';
import { createTestHome } from '../../../support/testHome';

export interface BridgeHome {
  home: string;
  dataDir: string;
  fixture: ConnectionFixture;
  /** The command, args and env a client config entry gives, over a client's bare environment. */
  launch: { command: string; args: string[]; env: Record<string, string> };
  /** Starts a bridge process and connects an MCP SDK client to it. */
  connect(client?: Client): Promise<Client>;
  /** Signs in again at the sandbox and stores the new tokens, as Reconnect does. */
  reconnect(): Promise<void>;
  status(): Promise<ConnectionStatusFile | undefined>;
  dispose(): Promise<void>;
}

/** A connection in a temporary HOME, and the bridge launched exactly as its config entry says. */
export async function createBridgeHome(
  sandbox: Sandbox,
  options: { client?: ClientId; env?: Record<string, string> } = {},
): Promise<BridgeHome> {
  const testHome = await createTestHome(sandbox, 'splattr-bridge-');
  const { home, dataDir } = testHome;
  const fixture = await createConnectionFixture(sandbox, { dataDir, client: options.client });
  const clients: Client[] = [];
  const launch = {
    command: process.execPath,
    args: [BRIDGE_SCRIPT, '--connection', fixture.id],
    env: mcpClientEnv(home, { SPLATTR_COMPANION_HOME: dataDir, ...options.env }),
  };
  return {
    home,
    dataDir,
    fixture,
    launch,
    async connect(client = new Client({ name: 'bridge-test', version: '1.0.0' })) {
      await client.connect(new StdioClientTransport({ ...launch, stderr: 'pipe' }));
      clients.push(client);
      return client;
    },
    async reconnect() {
      const issued = await sandbox.controls.issueTokens({
        email: fixture.record.account.email ?? '',
        clientId: fixture.record.registration.clientId,
      });
      await createTokenStore().set(fixture.id, {
        accessToken: issued.accessToken,
        refreshToken: issued.refreshToken,
        expiresAt: Date.now() + issued.expiresIn * 1000,
      });
    },
    status: () => openStatusFiles(dataDir).read(fixture.id),
    async dispose() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await fixture.dispose();
      await testHome.dispose();
    },
  };
}
