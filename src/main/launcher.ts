import { app } from 'electron';
import { resolveAppLauncher, type AppLauncher } from '../core/appLauncher';
import { dataDir } from '../core/paths';

/**
 * How client configs start the bridge: this very executable in Node mode (the decision, and the
 * AppImage case, live in core/appLauncher). Packaged, the script lies outside the asar archive
 * (asarUnpack in electron-builder.yml) beside keytar, because the client starts it without the
 * app's help.
 */
export function bridgeLauncher(): AppLauncher {
  return resolveAppLauncher({
    execPath: process.execPath,
    env: process.env,
    platform: process.platform,
    isPackaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    dataDir: dataDir(process.env),
  });
}
