import { desktopAppLocations } from './context';
import { defineClient } from './defineClient';

/** Cursor watches ~/.cursor/mcp.json (on every OS) and picks up changes without a restart. */
export const cursor = defineClient({
  id: 'cursor',
  needsRestartAfterChange: false,
  configPath: (c) => c.path.join(c.home, '.cursor', 'mcp.json'),
  appLocations: (c) =>
    desktopAppLocations(c, {
      macApp: 'Cursor.app',
      windows: { folder: 'cursor', exe: 'Cursor.exe' },
      linux: 'cursor',
    }),
  processNames: { darwin: ['Cursor'], win32: ['Cursor.exe'], linux: ['cursor'] },
});
