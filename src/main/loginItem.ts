import { app } from 'electron';
import type { LoginItem } from '../core/service/launchAtLogin';
import { xdgAutostart } from '../core/service/xdgAutostart';

/** What the OS passes when it opens the app at login: the app then starts in the tray only. */
const OPENED_AT_LOGIN_FLAG = '--opened-at-login';

/**
 * The login item of the packaged app: Electron's API on macOS and Windows, where it exists, an
 * XDG autostart entry on Linux. None in development, where the executable is Electron itself.
 */
export function loginItem(command: string): LoginItem | undefined {
  if (!app.isPackaged) return undefined;
  if (process.platform === 'linux') return xdgAutostart(command, [OPENED_AT_LOGIN_FLAG]);
  // Windows compares the registered arguments too: both calls must name the same ones.
  const options = { args: [OPENED_AT_LOGIN_FLAG] };
  return {
    isEnabled: async () => app.getLoginItemSettings(options).openAtLogin,
    setEnabled: async (enabled) => app.setLoginItemSettings({ openAtLogin: enabled, ...options }),
  };
}

/** macOS passes no arguments to login items; it says so through wasOpenedAtLogin instead. */
export function openedAtLogin(argv: readonly string[] = process.argv): boolean {
  if (argv.includes(OPENED_AT_LOGIN_FLAG)) return true;
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}
