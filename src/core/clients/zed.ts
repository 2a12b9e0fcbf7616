import { roamingAppData, xdgConfigHome } from '../paths';
import { desktopAppLocations } from './context';
import { jsonFormat } from './configFile';
import { defineClient } from './defineClient';
import type { BridgeEntry } from '../bridgeEntry';

/**
 * Zed keeps MCP servers in its settings.json (JSON with comments) under `context_servers`; a
 * server it does not get from an extension is `"source": "custom"` with command, args and env.
 * It reloads its settings when the file changes. The file is ~/.config/zed on macOS too.
 */
export const zed = defineClient({
  id: 'zed',
  needsRestartAfterChange: false,
  configPath: (c) =>
    c.platform === 'win32'
      ? c.path.join(roamingAppData(c), 'Zed', 'settings.json')
      : c.path.join(
          c.platform === 'darwin' ? c.path.join(c.home, '.config') : xdgConfigHome(c),
          'zed',
          'settings.json',
        ),
  format: jsonFormat('context_servers'),
  toConfig: (entry: BridgeEntry) => ({ source: 'custom', ...entry }),
  appLocations: (c) => [
    ...desktopAppLocations(c, {
      macApp: 'Zed.app',
      windows: { folder: 'Zed', exe: 'Zed.exe' },
      linux: 'zed',
    }),
    // zed.dev's install script puts the app itself in ~/.local/zed.app.
    c.path.join(c.home, '.local', 'zed.app'),
  ],
  processNames: { darwin: ['zed'], win32: ['Zed.exe'], linux: ['zed-editor'] },
});
