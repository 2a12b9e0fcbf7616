import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/core/registry/registry';
import { createLaunchAtLogin, type LoginItem } from '../../../src/core/service/launchAtLogin';
import { xdgAutostart } from '../../../src/core/service/xdgAutostart';
import { companionError } from '../../helpers/companionError';
import { withTempDir } from '../../helpers/tempDir';

const dir = withTempDir('splattr-login-');

/** The OS's login items as Electron's app.get/setLoginItemSettings present them. */
function osLoginItems() {
  const state = { openAtLogin: false, changes: 0 };
  const item: LoginItem = {
    isEnabled: async () => state.openAtLogin,
    setEnabled: async (enabled) => {
      state.openAtLogin = enabled;
      state.changes += 1;
    },
  };
  return { state, item };
}

describe('launch at login', () => {
  it('is turned on by the first start, and never again over the person’s choice', async () => {
    const registry = openRegistry({ dataDir: dir() });
    const os = osLoginItems();
    const first = createLaunchAtLogin(os.item, registry);
    await first.applyDefault();
    expect(await first.read()).toEqual({ launchAtLogin: true });

    await first.write(false);
    expect(os.state.openAtLogin).toBe(false);

    // The next start of the app (a new process reading the same data folder).
    const next = createLaunchAtLogin(os.item, openRegistry({ dataDir: dir() }));
    await next.applyDefault();
    expect(await next.read()).toEqual({ launchAtLogin: false });
    expect(os.state.changes).toBe(2);
  });

  it('shows what the OS holds when the person changed it in the OS’s own settings', async () => {
    const os = osLoginItems();
    const setting = createLaunchAtLogin(os.item, openRegistry({ dataDir: dir() }));
    await setting.applyDefault();
    os.state.openAtLogin = false;
    expect(await setting.read()).toEqual({ launchAtLogin: false });
  });

  it('is absent without a tray app, and cannot be changed from there', async () => {
    const registry = openRegistry({ dataDir: dir() });
    const cli = createLaunchAtLogin(undefined, registry);
    await cli.applyDefault();
    expect(await cli.read()).toEqual({});
    await cli.write(undefined);
    const error = await companionError(cli.write(true));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain('in the Splattr Companion app');
    expect(registry.getSettings().launchAtLogin).toBeUndefined();
  });
});

describe('Linux login items (XDG autostart)', () => {
  it('writes a desktop entry that starts the app as the person keeps it, and removes it', async () => {
    const env = { HOME: dir(), XDG_CONFIG_HOME: path.join(dir(), 'config') };
    const appImage = '/home/ada/My Apps/Splattr "Companion" 100%.AppImage';
    const item = xdgAutostart(appImage, ['--opened-at-login'], env);
    const file = path.join(dir(), 'config', 'autostart', 'splattr-companion.desktop');
    expect(await item.isEnabled()).toBe(false);

    await item.setEnabled(true);
    expect(await item.isEnabled()).toBe(true);
    const text = await readFile(file, 'utf8');
    expect(text).toMatch(/^\[Desktop Entry\]\n/);
    expect(text).toContain('Type=Application\n');
    // Quoted as the Desktop Entry spec says: `\"` inside quotes, `\` doubled, `%` doubled.
    expect(text).toContain(
      'Exec="/home/ada/My Apps/Splattr \\\\"Companion\\\\" 100%%.AppImage" "--opened-at-login"\n',
    );

    await item.setEnabled(false);
    expect(await item.isEnabled()).toBe(false);
    await item.setEnabled(false);
  });
});
