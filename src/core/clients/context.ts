import fs from 'node:fs';
import { osFolders, type OsFolders } from '../paths';

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
