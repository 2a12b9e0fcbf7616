import { localAppData } from '../paths';
import { onPath } from './context';
import { defineClient } from './defineClient';

/** Cursor watches ~/.cursor/mcp.json (on every OS) and picks up changes without a restart. */
export const cursor = defineClient({
  id: 'cursor',
  needsRestartAfterChange: false,
  configPath: (c) => c.path.join(c.home, '.cursor', 'mcp.json'),
  appLocations: (c) => {
    switch (c.platform) {
      case 'darwin':
        return ['/Applications/Cursor.app', c.path.join(c.home, 'Applications', 'Cursor.app')];
      case 'win32':
        return [c.path.join(localAppData(c), 'Programs', 'cursor', 'Cursor.exe')];
      default:
        return onPath(c, 'cursor');
    }
  },
  processNames: { darwin: ['Cursor'], win32: ['Cursor.exe'], linux: ['cursor'] },
});
