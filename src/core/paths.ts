import { chmodSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const APP_FOLDER = 'splattr-companion';

/**
 * An operating system's folders as seen from one environment. Computed from `env` and
 * `platform` rather than read from this process, so tests can describe another HOME or OS and
 * Windows paths come out right even when computed elsewhere.
 */
export interface OsFolders {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The path flavour of `platform`. */
  path: path.PlatformPath;
  home: string;
}

export function osFolders(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): OsFolders {
  // os.homedir()'s own rule (HOME, or USERPROFILE on Windows), applied to the given environment.
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  return { env, platform, path: platform === 'win32' ? path.win32 : path.posix, home };
}

/** Windows' per-user roaming folder (`%APPDATA%`). */
export function roamingAppData(c: OsFolders): string {
  return c.env.APPDATA ?? c.path.join(c.home, 'AppData', 'Roaming');
}

/** Windows' per-user local folder (`%LOCALAPPDATA%`), where per-user installs live. */
export function localAppData(c: OsFolders): string {
  return c.env.LOCALAPPDATA ?? c.path.join(c.home, 'AppData', 'Local');
}

/** `$XDG_CONFIG_HOME`, or `~/.config`; the XDG spec says to ignore a relative value. */
export function xdgConfigHome(c: OsFolders): string {
  const value = c.env.XDG_CONFIG_HOME;
  return value && c.path.isAbsolute(value) ? value : c.path.join(c.home, '.config');
}

/**
 * Where desktop apps keep per-user settings: the folder Electron's `app.getPath('appData')`
 * gives on each platform.
 */
export function appDataFolder(c: OsFolders): string {
  switch (c.platform) {
    case 'darwin':
      return c.path.join(c.home, 'Library', 'Application Support');
    case 'win32':
      return roamingAppData(c);
    default:
      return xdgConfigHome(c);
  }
}

/**
 * The data folder: SPLATTR_COMPANION_HOME, else the folder Electron's `app.getPath('userData')`
 * gives this app, computed without Electron so the bridge and CLI find it too.
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SPLATTR_COMPANION_HOME) return path.resolve(env.SPLATTR_COMPANION_HOME);
  return path.join(appDataFolder(osFolders(env)), APP_FOLDER);
}

/**
 * Creates the data folder readable by the user only: the files in it are already 0600, but which
 * connections and clients exist, and the logs' names, are nobody else's business. The default
 * folder is ours, so one an earlier version made 0755 is tightened too; a folder the person chose
 * with SPLATTR_COMPANION_HOME is theirs and left as it is.
 */
export function ensureDataDir(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (dir === dataDir({ ...env, SPLATTR_COMPANION_HOME: undefined })) chmodSync(dir, 0o700);
  return dir;
}
