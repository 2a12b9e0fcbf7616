import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

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

export interface ResolvedContext {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  exists: (p: string) => boolean;
  /** The path flavour of `platform`, so Windows paths are right even when computed elsewhere. */
  path: path.PlatformPath;
  home: string;
}

export function resolveContext(ctx: ClientContext = {}): ResolvedContext {
  const env = ctx.env ?? process.env;
  const platform = ctx.platform ?? process.platform;
  // os.homedir()'s own rule (HOME, or USERPROFILE on Windows), applied to the given environment.
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  return {
    env,
    platform,
    exists: ctx.exists ?? fs.existsSync,
    path: platform === 'win32' ? path.win32 : path.posix,
    home,
  };
}

/** `$XDG_CONFIG_HOME`, or `~/.config`; the XDG spec says to ignore a relative value. */
export function xdgConfigHome(c: ResolvedContext): string {
  const value = c.env.XDG_CONFIG_HOME;
  return value && c.path.isAbsolute(value) ? value : c.path.join(c.home, '.config');
}

/** Where `name` would be found on PATH (Linux installs put the launcher there). */
export function onPath(c: ResolvedContext, name: string): string[] {
  return (c.env.PATH ?? '')
    .split(c.path.delimiter)
    .filter((dir) => c.path.isAbsolute(dir))
    .map((dir) => c.path.join(dir, name));
}
