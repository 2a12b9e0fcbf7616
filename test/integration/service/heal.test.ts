import { copyFile, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { BridgeEntry, BridgeLauncher } from '../../../src/core/bridgeEntry';
import { getClient } from '../../../src/core/clients';
import { createTokenStore } from '../../../src/core/credentials/tokenStore';
import { createCompanionService, type CompanionService } from '../../../src/core/service';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { ConnectionSchema } from '../../../src/shared/connection';
import { completeSignIn, launchBrowser } from '../../helpers/browser';
import { addCursorThroughCli, runCli } from '../../helpers/cli';
import { companionError } from '../../helpers/companionError';
import { BRIDGE_SCRIPT, DEMO, connectThroughEntry } from '../../../support/companion';
import { createTestHome, type TestHome } from '../../../support/testHome';
import { BRIDGE_NODE_FLAGS } from '../../../src/core/bridgeNodeFlags';

/**
 * The app is installed, adds a connection, is moved (dragged from Downloads to Applications, an
 * update to a new folder), and starts again: the client's entry follows it. The "app" is what
 * a packaged one is to a client: an executable run in Node mode and the bridge script with
 * keytar beside it (resources/app.asar.unpacked).
 */
describe('entries that follow the app when it moves', () => {
  let sandbox: Sandbox;
  let browser: Browser;
  let home: TestHome;
  const services: CompanionService[] = [];
  const ids = new Set<string>();

  beforeAll(async () => {
    [sandbox, browser] = await Promise.all([startSandbox(), launchBrowser()]);
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.dispose()));
    const keychain = createTokenStore();
    for (const id of ids) await keychain.delete(id).catch(() => undefined);
    await home?.dispose();
  });
  afterAll(async () => {
    await Promise.all([browser?.close(), sandbox?.close()]);
  });

  /** Puts a copy of the app in `folder`; its launcher is what the packaged app computes. */
  async function installApp(folder: string): Promise<BridgeLauncher> {
    const scriptPath = path.join(folder, 'out', 'bridge', 'bridge.mjs');
    const command = path.join(folder, 'splattr-companion');
    await mkdir(path.dirname(scriptPath), { recursive: true });
    await Promise.all([
      copyFile(process.execPath, command),
      cp(path.dirname(BRIDGE_SCRIPT), path.dirname(scriptPath), { recursive: true }),
      cp(path.resolve('node_modules/keytar'), path.join(folder, 'node_modules', 'keytar'), {
        recursive: true,
      }),
    ]);
    // Node ignores ELECTRON_RUN_AS_NODE; it makes the entry exactly the packaged app's.
    return { command, scriptPath, env: { ELECTRON_RUN_AS_NODE: '1' } };
  }

  /** The service as the app starts it from `launcher`, signing in through Chromium. */
  async function startApp(launcher: BridgeLauncher): Promise<CompanionService> {
    const service = await createCompanionService({
      env: home.env,
      launcher,
      openBrowser: async (url) => {
        void completeSignIn(browser, url, { ...DEMO, consent: 'allow' }).catch(() => undefined);
      },
    });
    services.push(service);
    return service;
  }

  async function cursorEntry(): Promise<BridgeEntry> {
    const state = await getClient('cursor').readEntry({ env: home.env });
    if (state.kind !== 'ours') throw new Error(`Cursor's entry is ${state.kind}.`);
    return state.entry;
  }

  async function listThroughCli() {
    const listed = await runCli(['list', '--json'], home.env).done;
    expect(listed.stderr).toBe('');
    return z.array(ConnectionSchema).parse(JSON.parse(listed.stdout));
  }

  it('rewrites the entry when the moved app starts, and the client starts the bridge from it', async () => {
    home = await createTestHome(sandbox, 'splattr-heal-');
    const downloads = path.join(home.home, 'Downloads', 'Splattr Companion');
    const applications = path.join(home.home, 'Applications', 'Splattr Companion');

    const first = await startApp(await installApp(downloads));
    const { connection } = await first.add({ client: 'cursor' });
    ids.add(connection.id);
    expect((await cursorEntry()).command).toBe(path.join(downloads, 'splattr-companion'));
    await first.dispose();
    services.length = 0;

    // The move: a copy in the new place, the old one deleted.
    const moved = await installApp(applications);
    await rm(downloads, { recursive: true });

    // Until the app starts again, the CLI says the client could not start Splattr, and how to fix it.
    expect(await listThroughCli()).toEqual([
      expect.objectContaining({
        id: connection.id,
        status: 'needs_repair',
        lastError: expect.stringContaining('Click Repair'),
      }),
    ]);
    const status = await runCli(['status'], home.env).done;
    expect(status.stdout).toContain('Cursor: Needs repair (demo@splattr.test · Acme)');
    expect(status.stdout).toContain(`splattr-companion repair ${connection.id}`);

    const configFile = getClient('cursor').configPath({ env: home.env });
    const before = await readFile(configFile, 'utf8');
    const second = await startApp(moved);
    // What src/main does at each start; Cursor reads its config again by itself.
    expect(await second.healEntries()).toEqual({ clients: ['cursor'], restart: [] });
    const healed = await cursorEntry();
    expect(healed).toEqual({
      command: moved.command,
      args: [...BRIDGE_NODE_FLAGS, moved.scriptPath, '--connection', connection.id],
      env: { ELECTRON_RUN_AS_NODE: '1', SPLATTR_COMPANION_HOME: home.dataDir },
    });
    // Edited in place: only our entry's paths changed.
    expect((await readFile(configFile, 'utf8')).replaceAll(applications, downloads)).toBe(before);
    expect(await second.listConnections({})).toEqual([
      expect.objectContaining({ id: connection.id, status: 'connected' }),
    ]);
    // The CLI, a plain Node of its own, leaves the app's working entry alone.
    expect(await listThroughCli()).toEqual([
      expect.objectContaining({ id: connection.id, status: 'connected' }),
    ]);

    // The same app run from an AppImage's temporary mount leaves the working entry as it is.
    const fromMount = await startApp({
      command: '/tmp/.mount_SplattXq3v9A/splattr-companion',
      scriptPath: '/tmp/.mount_SplattXq3v9A/resources/app.asar.unpacked/out/bridge/bridge.mjs',
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(await fromMount.healEntries()).toEqual({ clients: [], restart: [] });
    expect((await fromMount.listConnections({}))[0]?.status).toBe('connected');
    expect(await cursorEntry()).toEqual(healed);

    // Cursor starts the bridge from the rewritten entry, and Splattr answers through it.
    const client = await connectThroughEntry(healed, home.home);
    try {
      const { tools } = await client.listTools();
      expect(tools.length).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it('Reconnect also points an entry the client cannot start at this copy', async () => {
    home = await createTestHome(sandbox, 'splattr-heal-reconnect-');
    const before = path.join(home.home, 'Downloads', 'Splattr Companion');
    const first = await startApp(await installApp(before));
    const { connection } = await first.add({ client: 'cursor' });
    ids.add(connection.id);
    await first.dispose();
    services.length = 0;
    const moved = await installApp(path.join(home.home, 'Applications', 'Splattr Companion'));
    await rm(before, { recursive: true });

    // Before the start heals it (or from the CLI, which never does), the person clicks Reconnect.
    const service = await startApp(moved);
    expect((await service.listConnections({}))[0]?.status).toBe('needs_repair');
    // Test says what is wrong, not that Splattr is unreachable.
    expect(await service.test({ id: connection.id })).toMatchObject({
      ok: false,
      error: expect.stringContaining('Click Repair'),
    });
    expect((await service.reconnect({ id: connection.id })).status).toBe('connected');
    expect((await cursorEntry()).command).toBe(moved.command);
  });

  it('refuses to add from an AppImage’s temporary mount before anyone signs in', async () => {
    home = await createTestHome(sandbox, 'splattr-heal-mount-');
    const signIns: string[] = [];
    const service = await createCompanionService({
      env: home.env,
      launcher: {
        command: '/tmp/.mount_SplattXq3v9A/splattr-companion',
        scriptPath: '/tmp/.mount_SplattXq3v9A/resources/app.asar.unpacked/out/bridge/bridge.mjs',
        env: { ELECTRON_RUN_AS_NODE: '1' },
      },
      openBrowser: async (url) => void signIns.push(url),
    });
    services.push(service);
    const error = await companionError(service.add({ client: 'cursor' }));
    expect(error.code).toBe('app_location_temporary');
    expect(error.message).toContain('Save the Splattr Companion AppImage in a folder you keep');
    expect(signIns).toEqual([]);
    await expect(readFile(getClient('cursor').configPath({ env: home.env }))).rejects.toThrow();
    expect(await service.listConnections({})).toEqual([]);
  });

  it('repair --all points every broken entry at the CLI, keeping what the person added', async () => {
    home = await createTestHome(sandbox, 'splattr-heal-cli-');
    const { env } = home;
    const added = await addCursorThroughCli(browser, env);
    expect(added.code).toBe(0);
    const [connection] = await listThroughCli();
    ids.add(connection!.id);

    // A Node that an upgrade removed, and a variable the person added to the entry themselves.
    const configFile = getClient('cursor').configPath({ env });
    const written = JSON.parse(await readFile(configFile, 'utf8')) as {
      mcpServers: { splattr: BridgeEntry };
    };
    const gone = path.join(home.home, '.nvm', 'versions', 'node', 'v20.0.0', 'bin', 'node');
    written.mcpServers.splattr.command = gone;
    written.mcpServers.splattr.env = {
      ...written.mcpServers.splattr.env,
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
    };
    await writeFile(configFile, JSON.stringify(written, null, 2));
    expect(await listThroughCli()).toEqual([expect.objectContaining({ status: 'needs_repair' })]);

    const repaired = await runCli(['repair', '--all'], env).done;
    expect(repaired.stdout).toContain("Splattr is back in Cursor's configuration.");
    expect(repaired.code).toBe(0);
    const entry = await cursorEntry();
    expect(entry.command).toBe(process.execPath);
    expect(entry.env).toMatchObject({ NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' });
    expect(await listThroughCli()).toEqual([expect.objectContaining({ status: 'connected' })]);

    const again = await runCli(['repair', '--all'], env).done;
    expect(again.stdout.trim()).toBe('Nothing needs repair.');
    const tested = await runCli(['test', 'cursor'], env).done;
    expect(tested.stdout).toMatch(/Splattr answered with \d+ tools/);
  });
});
