import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompanionService } from '../../../src/core/service';
import { xdgAutostart } from '../../../src/core/service/xdgAutostart';
import { startSandbox, type Sandbox } from '../../../src/sandbox';
import { BRIDGE_SCRIPT } from '../../../support/companion';
import { createTestHome, type TestHome } from '../../../support/testHome';

/** The service's Settings with Linux's real login items (an autostart file in a temporary HOME). */
describe('launch at login through Settings', () => {
  let sandbox: Sandbox;
  let home: TestHome;
  beforeAll(async () => {
    sandbox = await startSandbox();
    home = await createTestHome(sandbox, 'splattr-login-');
  });
  afterAll(async () => {
    await home?.dispose();
    await sandbox?.close();
  });

  const app = '/home/ada/Applications/Splattr-Companion.AppImage';
  const autostartFile = () =>
    path.join(home.home, '.config', 'autostart', 'splattr-companion.desktop');
  const start = () =>
    createCompanionService({
      env: home.env,
      launcher: { command: process.execPath, scriptPath: BRIDGE_SCRIPT },
      loginItem: xdgAutostart(app, [], home.env),
      openBrowser: async () => undefined,
    });

  it('is on after the first start, and stays as the person set it', async () => {
    const first = await start();
    expect(await first.getSettings({})).toMatchObject({
      serverUrl: sandbox.mcpUrl,
      launchAtLogin: true,
    });
    expect(await readFile(autostartFile(), 'utf8')).toContain(`Exec="${app}"`);

    const saved = await first.setSettings({ serverUrl: sandbox.mcpUrl, launchAtLogin: false });
    expect(saved.launchAtLogin).toBe(false);
    await expect(readFile(autostartFile())).rejects.toThrow();
    await first.dispose();

    const next = await start();
    // A change that does not name it leaves it as it is.
    await next.setSettings({ serverUrl: sandbox.mcpUrl });
    expect((await next.getSettings({})).launchAtLogin).toBe(false);
    await next.dispose();
  });

  it('is not offered where there is no tray app (the CLI)', async () => {
    const cli = await createCompanionService({
      env: home.env,
      launcher: { command: process.execPath, scriptPath: BRIDGE_SCRIPT },
      openBrowser: async () => undefined,
    });
    const settings = await cli.getSettings({});
    expect(settings.serverUrl).toBe(sandbox.mcpUrl);
    expect(settings).not.toHaveProperty('launchAtLogin');
    await cli.dispose();
  });
});
