import { localAppData, roamingAppData, xdgConfigHome } from '../paths';
import { onPath } from './context';
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
  appLocations: (c) => {
    switch (c.platform) {
      case 'darwin':
        return ['/Applications/Zed.app', c.path.join(c.home, 'Applications', 'Zed.app')];
      case 'win32':
        return [c.path.join(localAppData(c), 'Programs', 'Zed', 'Zed.exe')];
      default:
        // zed.dev's install script puts the app in ~/.local/zed.app and `zed` on PATH.
        return [...onPath(c, 'zed'), c.path.join(c.home, '.local', 'zed.app')];
    }
  },
  processNames: { darwin: ['zed'], win32: ['Zed.exe'], linux: ['zed-editor'] },
});
