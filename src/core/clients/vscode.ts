import { roamingAppData, xdgConfigHome } from '../paths';
import { desktopAppLocations, type ResolvedContext } from './context';
import { jsonFormat } from './configFile';
import { defineClient } from './defineClient';
import type { BridgeEntry } from '../bridgeEntry';

/** What differs between VS Code and VS Code Insiders: folder names and executables. */
interface Edition {
  id: 'vscode' | 'vscode-insiders';
  /** The settings folder's name: `Code` or `Code - Insiders`. */
  folder: string;
  macApp: string;
  /** Its folder under Programs (user install) or Program Files (system install) on Windows. */
  windowsFolder: string;
  exe: string;
  /** The Linux launcher, as the .deb, .rpm and snap packages install it. */
  launcher: string;
}

/**
 * VS Code keeps user-level MCP servers in the profile's `mcp.json` (`servers`, each with
 * `"type": "stdio"`), since 1.102, and notices changes to it by itself. Only the default
 * profile is edited: other profiles have their own files under `profiles/`.
 */
function defineVsCode(edition: Edition) {
  const userFolder = (c: ResolvedContext) => {
    switch (c.platform) {
      case 'darwin':
        return c.path.join(c.home, 'Library', 'Application Support', edition.folder, 'User');
      case 'win32':
        return c.path.join(roamingAppData(c), edition.folder, 'User');
      default:
        return c.path.join(xdgConfigHome(c), edition.folder, 'User');
    }
  };
  return defineClient({
    id: edition.id,
    needsRestartAfterChange: false,
    configPath: (c) => c.path.join(userFolder(c), 'mcp.json'),
    format: jsonFormat('servers'),
    toConfig: (entry: BridgeEntry) => ({ type: 'stdio', ...entry }),
    appLocations: (c) => [
      ...desktopAppLocations(c, {
        macApp: edition.macApp,
        windows: { folder: edition.windowsFolder, exe: edition.exe },
        linux: edition.launcher,
      }),
      // The system-wide Windows installer, and the snap on Linux.
      ...(c.platform === 'win32'
        ? [
            c.path.join(
              c.env.ProgramFiles ?? 'C:\\Program Files',
              edition.windowsFolder,
              edition.exe,
            ),
          ]
        : []),
      ...(c.platform === 'linux' ? [`/snap/bin/${edition.launcher}`] : []),
    ],
    processNames: {
      darwin: [edition.folder],
      win32: [edition.exe],
      linux: [edition.launcher],
    },
  });
}

export const vscode = defineVsCode({
  id: 'vscode',
  folder: 'Code',
  macApp: 'Visual Studio Code.app',
  windowsFolder: 'Microsoft VS Code',
  exe: 'Code.exe',
  launcher: 'code',
});

export const vscodeInsiders = defineVsCode({
  id: 'vscode-insiders',
  folder: 'Code - Insiders',
  macApp: 'Visual Studio Code - Insiders.app',
  windowsFolder: 'Microsoft VS Code Insiders',
  exe: 'Code - Insiders.exe',
  launcher: 'code-insiders',
});
