import { desktopAppLocations } from './context';
import { defineClient } from './defineClient';

/**
 * LM Studio (0.3.17 and later) keeps its MCP servers in ~/.lmstudio/mcp.json on every OS
 * (%USERPROFILE%\.lmstudio on Windows), in Cursor's format, and loads changes by itself.
 */
export const lmStudio = defineClient({
  id: 'lm-studio',
  needsRestartAfterChange: false,
  configPath: (c) => c.path.join(c.home, '.lmstudio', 'mcp.json'),
  appLocations: (c) => [
    ...desktopAppLocations(c, {
      macApp: 'LM Studio.app',
      windows: { folder: 'LM Studio', exe: 'LM Studio.exe' },
      linux: 'lm-studio',
    }),
    // The Linux AppImage has no fixed place; the `lms` tool it installs does (on every OS).
    c.path.join(c.home, '.lmstudio', 'bin', c.platform === 'win32' ? 'lms.exe' : 'lms'),
  ],
  processNames: { darwin: ['LM Studio'], win32: ['LM Studio.exe'], linux: ['lm-studio'] },
});
