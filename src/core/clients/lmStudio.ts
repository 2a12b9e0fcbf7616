import { localAppData } from '../paths';
import { onPath } from './context';
import { defineClient } from './defineClient';

/**
 * LM Studio (0.3.17 and later) keeps its MCP servers in ~/.lmstudio/mcp.json on every OS
 * (%USERPROFILE%\.lmstudio on Windows), in Cursor's format, and loads changes by itself.
 */
export const lmStudio = defineClient({
  id: 'lm-studio',
  needsRestartAfterChange: false,
  configPath: (c) => c.path.join(c.home, '.lmstudio', 'mcp.json'),
  appLocations: (c) => {
    switch (c.platform) {
      case 'darwin':
        return [
          '/Applications/LM Studio.app',
          c.path.join(c.home, 'Applications', 'LM Studio.app'),
        ];
      case 'win32':
        return [c.path.join(localAppData(c), 'Programs', 'LM Studio', 'LM Studio.exe')];
      default:
        // The AppImage has no fixed place; its `lms` command-line tool does.
        return [...onPath(c, 'lm-studio'), c.path.join(c.home, '.lmstudio', 'bin', 'lms')];
    }
  },
  processNames: { darwin: ['LM Studio'], win32: ['LM Studio.exe'], linux: ['lm-studio'] },
});
