import { _electron, type ElectronApplication } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '../..');

/**
 * Where the Electron binary is, if it is installed. Read from the package's path.txt rather than
 * `require('electron')`, which tries to download the binary when it is missing.
 */
export function electronBinary(): string | undefined {
  const dir = path.dirname(require.resolve('electron/package.json'));
  const pathFile = path.join(dir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const distDir = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist');
  const binary = path.join(distDir, readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

export const SKIP_REASON =
  'The Electron binary is not installed here (node_modules/electron has no dist/; its download is ' +
  'blocked), so the Electron tests cannot run. They run wherever `npx electron --version` works.';

/** Starts the built app with its own empty home and data folder, as a first launch. */
export async function launchApp(binary: string): Promise<ElectronApplication> {
  if (!existsSync(path.join(root, 'out/main/index.js'))) {
    throw new Error('The app is not built: run `npm run build` first.');
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'splattr-electron-'));
  return _electron.launch({
    executablePath: binary,
    args: [root],
    cwd: root,
    env: {
      ...process.env,
      HOME: home,
      SPLATTR_COMPANION_HOME: path.join(home, 'data'),
      ELECTRON_ENABLE_LOGGING: '1',
    },
  });
}
