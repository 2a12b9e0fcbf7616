import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { BridgeEntry } from '../../src/core/bridgeEntry';
import { getClient } from '../../src/core/clients';
import { openRegistry } from '../../src/core/registry/registry';
import { openStatusFiles, type ConnectionStatusFile } from '../../src/core/registry/statusFiles';
import { createCompanionService, type CompanionService } from '../../src/core/service';
import type { Sandbox } from '../../src/sandbox';
import { BRIDGE_SCRIPT, connectThroughEntry } from '../../support/companion';
import { createConnectionFixture, type ConnectionFixture } from './connectionFixture';
import { createTestHome, type TestHome } from '../../support/testHome';

export interface BridgedConnection extends TestHome {
  fixture: ConnectionFixture;
  /** The real service over this HOME (its list is what the app and `list` show). */
  service: CompanionService;
  /** The `splattr` entry the service wrote into Cursor's config. */
  entry: BridgeEntry;
  /** Launches one more bridge exactly as Cursor would from the entry, plus `bridgeEnv` and `env`. */
  /** `script`: another build of the bridge than the one the entry names (what ships). */
  startBridge(env?: Record<string, string>, script?: string): Promise<Client>;
  /** What the bridges last reported in the connection's status file. */
  status(): Promise<ConnectionStatusFile | undefined>;
  /** Closes every bridge started here, the service, the keychain entry and the HOME. */
  dispose(): Promise<void>;
}

export interface BridgedConnectionOptions {
  /** Extra environment for every bridge (e.g. SPLATTR_BRIDGE_REQUEST_TIMEOUT_MS). */
  bridgeEnv?: Record<string, string>;
  /** The MCP URL the record (and so the bridge) uses; default the sandbox's. */
  serverUrl?: string;
  /** The stored tokens' expiry; a past one makes the first use refresh. */
  expiresAt?: number;
}

/**
 * A connection as a finished add leaves it, without the browser: a real grant in the keychain,
 * its registry record, and Cursor's config entry written by the real service (through Repair),
 * all in a temporary HOME. Bridges are launched from that entry as separate processes.
 */
export async function createBridgedConnection(
  sandbox: Sandbox,
  options: BridgedConnectionOptions = {},
): Promise<BridgedConnection> {
  const testHome = await createTestHome(sandbox, 'splattr-rel-');
  const { home, dataDir, env } = testHome;
  const fixture = await createConnectionFixture(sandbox, {
    dataDir,
    expiresAt: options.expiresAt,
  });
  if (options.serverUrl) {
    // As a connection made at that address would be: the bridge sends nothing to an address
    // other than the resource the connection signed in for.
    const registry = openRegistry({ dataDir });
    const { server } = registry.get(fixture.id)!;
    registry.update(fixture.id, {
      serverUrl: options.serverUrl,
      server: { ...server, resource: options.serverUrl },
    });
  }
  const service = await createCompanionService({
    env,
    launcher: { command: process.execPath, scriptPath: BRIDGE_SCRIPT },
    openBrowser: async () => {
      throw new Error('These tests never sign in through a browser.');
    },
  });
  await service.repair({ id: fixture.id });
  const written = await getClient('cursor').readEntry({ env });
  if (written.kind !== 'ours') throw new Error('The service did not write our Cursor entry.');
  const entry: BridgeEntry = {
    ...written.entry,
    env: { ...written.entry.env, ...options.bridgeEnv },
  };
  const statusFiles = openStatusFiles(dataDir);
  const bridges: Client[] = [];

  return {
    home,
    dataDir,
    env,
    fixture,
    service,
    entry,
    async startBridge(extraEnv = {}, script = BRIDGE_SCRIPT) {
      const args = entry.args.map((arg) => (arg === BRIDGE_SCRIPT ? script : arg));
      const client = await connectThroughEntry(
        { ...entry, args, env: { ...entry.env, ...extraEnv } },
        home,
      );
      bridges.push(client);
      return client;
    },
    status: () => statusFiles.read(fixture.id),
    async dispose() {
      await Promise.all(bridges.map((client) => client.close().catch(() => undefined)));
      await service.dispose();
      await fixture.dispose();
      await testHome.dispose();
    },
  };
}

/** What an AI app first gets from a new bridge: the tool count, or the sentence it failed with. */
export async function firstAnswer(
  bridged: BridgedConnection,
  env: Record<string, string>,
): Promise<{ tools?: number; error?: string }> {
  try {
    const client = await bridged.startBridge(env);
    return { tools: (await client.listTools()).tools.length };
  } catch (error) {
    return { error: (error as Error).message };
  }
}
