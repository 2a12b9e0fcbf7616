import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StdioClientTransport,
  getDefaultEnvironment,
} from '@modelcontextprotocol/sdk/client/stdio.js';
import { parse } from 'jsonc-parser';
import type { Browser } from 'playwright-core';
import type { BridgeEntry } from '../src/core/bridgeEntry';
import { getClient } from '../src/core/clients';
import type { TokenStore } from '../src/core/credentials/tokenStore';
import { createCompanionService, type CompanionService } from '../src/core/service';
import type { ClientId } from '../src/shared/clients';
import type { Sandbox } from '../src/sandbox';
import { completeSignIn } from './browser';
import { createTestHome, type TestHome } from './testHome';

export const BRIDGE_SCRIPT = path.resolve('out/bridge/bridge.mjs');
/**
 * The build that honours SPLATTR_FAILPOINT (scripts/build-bridge.mjs --failpoints), for the crash
 * tests; what ships ignores it.
 */
export const FAILPOINT_BUILD = path.resolve('out/failpoints');
export const FAILPOINT_BRIDGE_SCRIPT = path.join(FAILPOINT_BUILD, 'bridge', 'bridge.mjs');
export const DEMO = { email: 'demo@splattr.test', password: 'demo' } as const;

export interface TestCompanion extends TestHome {
  service: CompanionService;
  /** The `splattr` entry in a client's config file as written, or undefined. */
  configEntry(client: ClientId): Promise<BridgeEntry | undefined>;
  /** How the person answers every sign-in the app starts; `ignore`: the browser never opens. */
  consent: 'allow' | 'deny' | 'ignore';
  dispose(): Promise<void>;
}

/**
 * The real CompanionService in a temporary HOME and data folder, pointed at a sandbox, with
 * Chromium as the person's browser: every sign-in it starts is completed on the sandbox's pages.
 */
export async function createTestCompanion(
  sandbox: Sandbox,
  browser: Browser,
  account: { email: string; password: string } = DEMO,
  /** A keychain service of the test's own, for tests that count keychain entries. */
  tokenStore?: TokenStore,
): Promise<TestCompanion> {
  const testHome = await createTestHome(sandbox);
  const { env } = testHome;
  const companion: TestCompanion = {
    ...testHome,
    consent: 'allow',
    service: await createCompanionService({
      env,
      launcher: { command: process.execPath, scriptPath: BRIDGE_SCRIPT },
      tokenStore,
      openBrowser: async (url) => {
        const { consent } = companion;
        if (consent === 'ignore') return;
        void completeSignIn(browser, url, { ...account, consent }).catch(() => undefined);
      },
    }),
    async configEntry(client) {
      const text = await readFile(getClient(client).configPath({ env }), 'utf8').catch(() => '');
      const config = parse(text) as { mcpServers?: Record<string, BridgeEntry> } | undefined;
      return config?.mcpServers?.splattr;
    },
    async dispose() {
      await companion.service.dispose();
      await testHome.dispose();
    },
  };
  return companion;
}

/**
 * The environment an MCP client gives a server it launches: its own default environment with
 * this HOME, plus the session bus (the keychain), which a desktop session gives every process,
 * and last the server's configured `env`.
 */
export function mcpClientEnv(
  home: string,
  env: Record<string, string> = {},
): Record<string, string> {
  return {
    ...getDefaultEnvironment(),
    HOME: home,
    ...(process.env.DBUS_SESSION_BUS_ADDRESS
      ? { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS }
      : {}),
    ...env,
  };
}

/** Starts the bridge exactly as an MCP client does from its config entry. */
export async function connectThroughEntry(entry: BridgeEntry, home: string): Promise<Client> {
  const client = new Client({ name: 'claude-desktop-stand-in', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: mcpClientEnv(home, entry.env),
      stderr: 'pipe',
    }),
  );
  return client;
}
