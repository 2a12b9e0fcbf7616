import os from 'node:os';
import path from 'node:path';

const APP_FOLDER = 'splattr-companion';

/**
 * The data folder: SPLATTR_COMPANION_HOME, else the folder Electron's `app.getPath('userData')`
 * gives this app on each platform, computed without Electron so the bridge and CLI find it too.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SPLATTR_COMPANION_HOME) return path.resolve(env.SPLATTR_COMPANION_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', APP_FOLDER);
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), APP_FOLDER);
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), APP_FOLDER);
  }
}
