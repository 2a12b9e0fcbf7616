import fs from 'node:fs';
import { localAppData, osFolders, type OsFolders } from '../paths';

/**
 * Where a client module looks. The app passes nothing (this process's environment and OS);
 * tests pass a temporary HOME, or another OS to check where its files would be.
 */
export interface ClientContext {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Probes the disk; replaceable so tests can describe another OS's installs. */
  exists?: (p: string) => boolean;
}

export interface ResolvedContext extends OsFolders {
  exists: (p: string) => boolean;
}

export function resolveContext(ctx: ClientContext = {}): ResolvedContext {
  return { ...osFolders(ctx.env, ctx.platform), exists: ctx.exists ?? fs.existsSync };
}

/** Where `name` would be found on PATH (Linux installs put the launcher there). */
export function onPath(c: ResolvedContext, name: string): string[] {
  return (c.env.PATH ?? '')
    .split(c.path.delimiter)
    .filter((dir) => c.path.isAbsolute(dir))
    .map((dir) => c.path.join(dir, name));
}

/** How a desktop app is installed on each OS. */
export interface DesktopInstall {
  /** The bundle's name, e.g. `Cursor.app`. */
  macApp: string;
  /** Its folder under the per-user `Programs` folder, and the executable in it. */
  windows: { folder: string; exe: string };
  /** The launcher its Linux packages put on PATH. */
  linux: string;
}

/**
 * Where a desktop app is found: /Applications or ~/Applications on macOS, the per-user install
 * on Windows (%LOCALAPPDATA%\Programs), its launcher on PATH on Linux.
 */
export function desktopAppLocations(c: ResolvedContext, app: DesktopInstall): string[] {
  switch (c.platform) {
    case 'darwin':
      return [`/Applications/${app.macApp}`, c.path.join(c.home, 'Applications', app.macApp)];
    case 'win32':
      return [c.path.join(localAppData(c), 'Programs', app.windows.folder, app.windows.exe)];
    default:
      return onPath(c, app.linux);
  }
}
