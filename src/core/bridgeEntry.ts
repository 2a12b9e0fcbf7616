import path from 'node:path';
import * as z from 'zod';

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
  command: z.string().min(1),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()).optional(),
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
    args: [launcher.scriptPath, CONNECTION_FLAG, connectionId],
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

function isBridgeScript(arg: string): boolean {
  return baseName(arg) === BRIDGE_SCRIPT_NAME;
}

/** The last path segment under either separator: a config may hold the other OS's paths. */
function baseName(p: string): string {
  return p.split(/[\\/]/).pop() ?? '';
}
