import { roamingAppData } from '../paths';
import { onPath, type ResolvedContext } from './context';
import { defineClient } from './defineClient';
import { tomlFormat } from './tomlConfig';

/** `$CODEX_HOME`, or ~/.codex: where Codex CLI keeps config.toml and everything else. */
function codexHome(c: ResolvedContext): string {
  const value = c.env.CODEX_HOME;
  return value && c.path.isAbsolute(value) ? value : c.path.join(c.home, '.codex');
}

/**
 * Codex CLI reads `[mcp_servers.<name>]` tables (command, args, env) from config.toml when a
 * session starts.
 */
export const codex = defineClient({
  id: 'codex',
  needsRestartAfterChange: true,
  configPath: (c) => c.path.join(codexHome(c), 'config.toml'),
  format: tomlFormat,
  appLocations: (c) =>
    c.platform === 'win32'
      ? [c.path.join(roamingAppData(c), 'npm', 'codex.cmd')]
      : onPath(c, 'codex'),
  processNames: { darwin: ['codex'], linux: ['codex'], win32: ['codex.exe'] },
});
