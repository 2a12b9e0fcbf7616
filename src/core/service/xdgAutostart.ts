import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { osFolders, xdgConfigHome } from '../paths';
import type { LoginItem } from './launchAtLogin';

/**
 * Linux's login items, which Electron's login-item API does not cover: a desktop entry in
 * `$XDG_CONFIG_HOME/autostart` (the XDG Autostart specification), which GNOME, KDE, Xfce and
 * the others start at login. `command` is the app as the person keeps it: `$APPIMAGE` for an
 * AppImage, never the mount it runs from.
 */
export function xdgAutostart(
  command: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = process.env,
): LoginItem {
  const file = path.join(xdgConfigHome(osFolders(env, 'linux')), 'autostart', DESKTOP_FILE);
  return {
    async isEnabled() {
      return stat(file).then(
        () => true,
        () => false,
      );
    },
    async setEnabled(enabled) {
      if (!enabled) return rm(file, { force: true });
      await mkdir(path.dirname(file), { recursive: true });
      await writeFileAtomic(file, desktopEntry([command, ...args]), { mode: 0o644 });
    },
  };
}

const DESKTOP_FILE = 'splattr-companion.desktop';

function desktopEntry(argv: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Splattr Companion',
    'Comment=Keeps your Splattr connections signed in',
    `Exec=${argv.map(execArgument).join(' ')}`,
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * The spec quotes an argument in double quotes with `"`, `` ` ``, `$` and `\` escaped, then
 * escapes `\` once more as a string value, and doubles `%` (a field code otherwise).
 */
function execArgument(arg: string): string {
  const quoted = `"${arg.replace(/["`$\\]/g, '\\$&')}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}
