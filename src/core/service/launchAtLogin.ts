import type { Settings } from '../../shared/api';
import { CompanionError } from '../../shared/errors';
import type { Registry } from '../registry/registry';

/**
 * The operating system's list of apps it opens at login: Electron's login-item settings on
 * macOS and Windows, an XDG autostart file on Linux. Injected, so the app passes the real one
 * and the CLI, which has no tray to keep running, passes none.
 */
export interface LoginItem {
  isEnabled(): Promise<boolean>;
  setEnabled(enabled: boolean): Promise<void>;
}

export interface LaunchAtLogin {
  /** On by default: the first start of the tray app turns it on, later starts leave it alone. */
  applyDefault(): Promise<void>;
  /** The setting as the OS holds it (a person may have changed it in the OS's own settings). */
  read(): Promise<Pick<Settings, 'launchAtLogin'>>;
  write(enabled: boolean | undefined): Promise<void>;
}

export function createLaunchAtLogin(
  item: LoginItem | undefined,
  registry: Pick<Registry, 'getSettings' | 'setSettings'>,
): LaunchAtLogin {
  return {
    async applyDefault() {
      if (!item || registry.getSettings().launchAtLogin !== undefined) return;
      await item.setEnabled(true);
      registry.setSettings({ launchAtLogin: true });
    },
    async read() {
      return item ? { launchAtLogin: await item.isEnabled() } : {};
    },
    async write(enabled) {
      if (enabled === undefined) return;
      if (!item) {
        throw new CompanionError(
          'invalid_input',
          'Opening at login is set in the Splattr Companion app, not from the command line.',
        );
      }
      await item.setEnabled(enabled);
      // Remembered so the default is never applied again over the person's choice.
      registry.setSettings({ launchAtLogin: enabled });
    },
  };
}
