import { localAppData } from '../paths';
import { onPath } from './context';
import { defineClient } from './defineClient';

/**
 * Windsurf keeps its MCP servers in ~/.codeium/windsurf/mcp_config.json on every OS, in
 * Claude Desktop's format; it loads changes when the person presses Refresh in its MCP panel.
 */
export const windsurf = defineClient({
  id: 'windsurf',
  needsRestartAfterChange: false,
  configPath: (c) => c.path.join(c.home, '.codeium', 'windsurf', 'mcp_config.json'),
  appLocations: (c) => {
    switch (c.platform) {
      case 'darwin':
        return ['/Applications/Windsurf.app', c.path.join(c.home, 'Applications', 'Windsurf.app')];
      case 'win32':
        return [c.path.join(localAppData(c), 'Programs', 'Windsurf', 'Windsurf.exe')];
      default:
        return onPath(c, 'windsurf');
    }
  },
  processNames: { darwin: ['Windsurf'], win32: ['Windsurf.exe'], linux: ['windsurf'] },
});
