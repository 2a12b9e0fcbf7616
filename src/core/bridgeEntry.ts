import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as z from 'zod/mini';
import { BRIDGE_NODE_FLAGS } from './bridgeNodeFlags';

/**
 * The contract between a client's config and the bridge: what the app writes (the launcher, the
 * script, `--connection <id>`) and how it recognises what it wrote. Both the app side (clients,
 * service) and the bridge entry read it, so it sits below them all.
 */

/** The file scripts/build-bridge.mjs writes; how we recognise our own entries. */
export const BRIDGE_SCRIPT_NAME = 'bridge.mjs';
/** The bridge's one argument, as `parseArgs` names it and as it stands in a config. */
export const CONNECTION_OPTION = 'connection';
export const CONNECTION_FLAG = `--${CONNECTION_OPTION}`;

/** How a client config launches the bridge: an absolute executable and the built bridge script. */
export interface BridgeLauncher {
  command: string;
  scriptPath: string;
  /** `{ ELECTRON_RUN_AS_NODE: '1' }` when the executable is the app's own. */
  env?: Record<string, string>;
}

/** What a client config launches: never a token, only where the bridge is and which connection. */
export interface BridgeEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * What a client's config holds under our key:
 * - `absent`: no `splattr` server;
 * - `ours`: a bridge entry this app wrote, and the connection it launches;
 * - `foreign`: a `splattr` server someone else wrote (never overwritten without `replace`).
 */
export type EntryState =
  | { kind: 'absent' }
  | { kind: 'ours'; entry: BridgeEntry; connectionId: string }
  | { kind: 'foreign' };

const BridgeEntrySchema = z.object({
  command: z.string().check(z.minLength(1)),
  args: z.array(z.string()),
  env: z.optional(z.record(z.string(), z.string())),
});

/** The `mcpServers.splattr` value that launches the bridge for one connection. */
export function buildBridgeEntry(launcher: BridgeLauncher, connectionId: string): BridgeEntry {
  // Clients launch with a bare environment and an unknown working folder: only absolute paths work.
  if (!path.isAbsolute(launcher.command) || !path.isAbsolute(launcher.scriptPath)) {
    throw new TypeError('The bridge launcher needs an absolute executable and script path.');
  }
  if (baseName(launcher.scriptPath) !== BRIDGE_SCRIPT_NAME) {
    throw new TypeError(`The bridge script must be named ${BRIDGE_SCRIPT_NAME} to be recognised.`);
  }
  if (!connectionId || connectionId.startsWith('-')) {
    throw new TypeError('A connection id must be non-empty and must not look like a flag.');
  }
  const entry: BridgeEntry = {
    command: launcher.command,
    args: [...BRIDGE_NODE_FLAGS, launcher.scriptPath, CONNECTION_FLAG, connectionId],
  };
  if (launcher.env && Object.keys(launcher.env).length > 0) entry.env = { ...launcher.env };
  return entry;
}

/**
 * Ours = a server whose args hold `--connection <id>` after an argument whose file name is
 * bridge.mjs. It ignores the executable (the app's own, or node from a checkout, moved by an
 * update) and tolerates flags a person adds before the script, but no other tool matches it.
 */
export function classifyEntry(value: unknown): EntryState {
  if (value === undefined) return { kind: 'absent' };
  const parsed = BridgeEntrySchema.safeParse(value);
  if (!parsed.success) return { kind: 'foreign' };
  const { args } = parsed.data;
  const flag = args.indexOf(CONNECTION_FLAG);
  const connectionId = args[flag + 1];
  const launchesBridge = args.slice(0, Math.max(flag, 0)).some(isBridgeScript);
  if (flag < 0 || !connectionId || connectionId.startsWith('-') || !launchesBridge) {
    return { kind: 'foreign' };
  }
  return { kind: 'ours', entry: parsed.data, connectionId };
}

/**
 * Whether a client can still start an entry of ours with the launcher this app has now:
 * - `current`: it is what the app would write;
 * - `missing`: its executable or script is gone (the app moved or was updated, an AppImage's
 *   temporary mount is unmounted): the client cannot start it;
 * - `moved`: it still starts, but an older copy of this app or another data folder;
 * - `other`: it starts, through a launcher of the other kind (a plain Node from a source
 *   checkout, where this app is the packaged executable, or the reverse). The CLI and the app
 *   can both run on one machine; claiming each other's working entries would rewrite them back
 *   and forth.
 */
export type EntryHealth = 'current' | 'missing' | 'moved' | 'other';

export function entryHealth(
  entry: BridgeEntry,
  launcher: BridgeLauncher,
  exists: (p: string) => boolean = fs.existsSync,
): EntryHealth {
  const script = entry.args.find(isBridgeScript);
  // A bare command ("node") is looked up on the client's PATH, which only the client knows.
  const gone = (p: string | undefined) => p !== undefined && path.isAbsolute(p) && !exists(p);
  if (gone(entry.command) || gone(script)) return 'missing';
  if (runsAsNode(entry.env) !== runsAsNode(launcher.env)) return 'other';
  return isDeepStrictEqual(entry, healEntry(entry, launcher)) ? 'current' : 'moved';
}

/**
 * The entry pointed at `launcher`, with this app's Node options, keeping what a person added
 * around ours: other flags before the script, environment variables the app does not manage.
 */
export function healEntry(entry: BridgeEntry, launcher: BridgeLauncher): BridgeEntry {
  const flag = entry.args.indexOf(CONNECTION_FLAG);
  const connectionId = entry.args[flag + 1] ?? '';
  const fresh = buildBridgeEntry(launcher, connectionId);
  const scriptAt = entry.args.findIndex(isBridgeScript);
  const leading = entry.args
    .slice(0, Math.max(scriptAt, 0))
    .filter((arg) => !BRIDGE_NODE_FLAGS.includes(arg));
  const kept = Object.entries(entry.env ?? {}).filter(([key]) => !MANAGED_ENV.includes(key));
  const env = { ...Object.fromEntries(kept), ...fresh.env };
  return {
    command: fresh.command,
    args: [...leading, ...fresh.args],
    ...(Object.keys(env).length > 0 ? { env } : {}),
  };
}

/** The variables the app itself puts in an entry; any other is the person's. */
const MANAGED_ENV = ['ELECTRON_RUN_AS_NODE', 'SPLATTR_COMPANION_HOME'];

function runsAsNode(env: Record<string, string> | undefined): boolean {
  return env?.ELECTRON_RUN_AS_NODE === '1';
}

function isBridgeScript(arg: string): boolean {
  return baseName(arg) === BRIDGE_SCRIPT_NAME;
}

/** The last path segment under either separator: a config may hold the other OS's paths. */
function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? '';
}
