import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { CompanionError } from '../shared/errors';
import { BRIDGE_SCRIPT_NAME, type BridgeLauncher } from './bridgeEntry';

/**
 * Where client configs find this app, decided from what the running app sees of itself. Kept
 * out of src/main (which only reads these values from Electron) so every OS's case is tested.
 */
export interface AppRuntime {
  /** `process.execPath`: the app's executable, or Electron's in development. */
  execPath: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** `app.isPackaged`, `process.resourcesPath`, `app.getAppPath()`. */
  isPackaged: boolean;
  resourcesPath: string;
  appPath: string;
  /** The app's data folder; an AppImage's bridge loader is written there. */
  dataDir: string;
}

export interface AppLauncher {
  launcher: BridgeLauncher;
  /** A file that must exist at `launcher.scriptPath` before an entry names it. */
  loader?: { path: string; source: string };
}

export function resolveAppLauncher(runtime: AppRuntime): AppLauncher {
  const root = runtime.isPackaged
    ? path.join(runtime.resourcesPath, 'app.asar.unpacked')
    : runtime.appPath;
  const scriptPath = path.join(root, 'out', 'bridge', BRIDGE_SCRIPT_NAME);
  // This very executable in Node mode, so people need no Node.js of their own.
  const env = { ELECTRON_RUN_AS_NODE: '1' };
  const { APPIMAGE: appImage, APPDIR: appDir } = runtime.env;
  if (runtime.platform === 'linux' && appImage && appDir && isInside(appDir, scriptPath)) {
    // An AppImage runs from a mount that vanishes when it quits and moves at each start: only
    // the AppImage file stays. It mounts itself again for the client and sets APPDIR, so a
    // small loader in the data folder finds the bridge inside whichever mount that is.
    const loaderPath = path.join(runtime.dataDir, 'appimage', BRIDGE_SCRIPT_NAME);
    return {
      launcher: { command: appImage, scriptPath: loaderPath, env },
      loader: { path: loaderPath, source: appImageLoader(path.relative(appDir, scriptPath)) },
    };
  }
  return { launcher: { command: runtime.execPath, scriptPath, env } };
}

/** Writes what the launcher needs on disk; the app does it at every start, before healing. */
export async function installAppLauncher({
  launcher,
  loader,
}: AppLauncher): Promise<BridgeLauncher> {
  if (loader) {
    await mkdir(path.dirname(loader.path), { recursive: true });
    await writeFileAtomic(loader.path, loader.source, { mode: 0o644 });
  }
  return launcher;
}

function appImageLoader(relativeScript: string): string {
  const segments = JSON.stringify(relativeScript.split(path.sep));
  return [
    '// Written by Splattr Companion (AppImage): starts the bridge inside the mount the AppImage',
    '// made for this run, which the AppImage names in APPDIR.',
    "import path from 'node:path';",
    "import { pathToFileURL } from 'node:url';",
    'if (!process.env.APPDIR) {',
    "  process.stderr.write('Splattr bridge: start it through the Splattr Companion AppImage.\\n');",
    '  process.exit(2);',
    '}',
    `await import(pathToFileURL(path.join(process.env.APPDIR, ...${segments})).href);`,
    '',
  ].join('\n');
}

/**
 * Refuses to write entries that name a copy of the app that will not last: macOS runs an app
 * opened straight from Downloads or a disk image from a random read-only "translocated" copy,
 * and an AppImage started without its runtime's variables runs from a temporary mount.
 */
export function assertLastingLocation(command: string, platform: NodeJS.Platform): void {
  const problem = temporaryLocation(command, platform);
  if (problem) throw new CompanionError('app_location_temporary', problem);
}

export function temporaryLocation(command: string, platform: NodeJS.Platform): string | undefined {
  if (platform === 'darwin' && /\/AppTranslocation\//.test(command)) {
    return 'macOS is running Splattr Companion from a temporary copy, so AI apps could not start it later. Quit it, move Splattr Companion to your Applications folder, open it from there, and try again.';
  }
  if (platform === 'linux' && /^\/tmp\/\.mount_[^/]+\//.test(command)) {
    return 'Splattr Companion is running from a temporary folder that disappears when it quits, so AI apps could not start it later. Save the Splattr Companion AppImage in a folder you keep (such as ~/Applications), start it from there, and try again.';
  }
  return undefined;
}

function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}
