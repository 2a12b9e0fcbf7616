import { desktopAppLocations } from './context';
import { defineClient } from './defineClient';

/**
 * Windsurf keeps its MCP servers in ~/.codeium/windsurf/mcp_config.json on every OS, in
 * Claude Desktop's format; it loads changes when the person presses Refresh in its MCP panel.
 */
export const windsurf = defineClient({
  id: 'windsurf',
  needsRestartAfterChange: false,
  configPath: (c) => c.path.join(c.home, '.codeium', 'windsurf', 'mcp_config.json'),
  appLocations: (c) =>
    desktopAppLocations(c, {
      macApp: 'Windsurf.app',
      windows: { folder: 'Windsurf', exe: 'Windsurf.exe' },
      linux: 'windsurf',
    }),
  processNames: { darwin: ['Windsurf'], win32: ['Windsurf.exe'], linux: ['windsurf'] },
});
