import { app } from 'electron';
import path from 'node:path';
import { BRIDGE_SCRIPT_NAME, type BridgeLauncher } from '../core/bridgeEntry';

/**
 * How client configs start the bridge: this very executable in Node mode, so users need no
 * Node.js of their own. Packaged, the script lies outside the asar archive (asarUnpack in
 * electron-builder.yml) beside keytar, because the client starts it without the app's help.
 */
export function bridgeLauncher(): BridgeLauncher {
  const root = app.isPackaged
    ? path.join(process.resourcesPath, 'app.asar.unpacked')
    : app.getAppPath();
  return {
    command: process.execPath,
    scriptPath: path.join(root, 'out', 'bridge', BRIDGE_SCRIPT_NAME),
    env: { ELECTRON_RUN_AS_NODE: '1' },
  };
}
