import { roamingAppData } from '../paths';
import { onPath } from './context';
import { defineClient } from './defineClient';

/**
 * Gemini CLI keeps user-level MCP servers in ~/.gemini/settings.json (`mcpServers`) and reads
 * them when it starts or on `/mcp reload`. It runs as `node`, so whether it runs is unknown.
 */
export const geminiCli = defineClient({
  id: 'gemini-cli',
  needsRestartAfterChange: true,
  configPath: (c) => c.path.join(c.home, '.gemini', 'settings.json'),
  appLocations: (c) =>
    c.platform === 'win32'
      ? [c.path.join(roamingAppData(c), 'npm', 'gemini.cmd')]
      : onPath(c, 'gemini'),
  processNames: {},
});
