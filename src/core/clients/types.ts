import type { ClientId } from '../../shared/clients';
import type { BridgeEntry, EntryState } from '../bridgeEntry';
import type { ClientContext } from './context';

export interface AddEntryOptions {
  /** Overwrite a `splattr` server that this app did not write (the person chose Replace). */
  replace?: boolean;
}

export interface RemoveEntryOptions {
  /** Remove our entry only if it launches this connection (crash recovery must not remove a newer one). */
  connectionId?: string;
}

/**
 * One MCP client. Every method that touches the disk takes a ClientContext last, so tests point
 * it at a temporary HOME; the app passes nothing and gets the real one.
 */
export interface McpClient {
  readonly id: ClientId;
  readonly name: string;
  /** Claude Desktop reads its config only at launch; Cursor notices changes by itself. */
  readonly needsRestartAfterChange: boolean;
  configPath(ctx?: ClientContext): string;
  isInstalled(ctx?: ClientContext): Promise<boolean>;
  /** Whether the client is running on this machine now (so the UI can offer a restart). */
  isRunning(): Promise<boolean>;
  /** Throws CompanionError `config_invalid` when the file cannot be parsed. */
  readEntry(ctx?: ClientContext): Promise<EntryState>;
  /** False when the client dropped our entry (Claude Desktop rewrites its file): `missing_from_config`. */
  hasOurEntry(connectionId: string, ctx?: ClientContext): Promise<boolean>;
  /** Writes our entry; throws `config_entry_conflict` for a foreign `splattr` unless `replace`. */
  addEntry(entry: BridgeEntry, options?: AddEntryOptions, ctx?: ClientContext): Promise<void>;
  /** Removes our entry (never a foreign one); answers whether the file changed. */
  removeEntry(options?: RemoveEntryOptions, ctx?: ClientContext): Promise<boolean>;
  /** Quits and relaunches the client, best effort; present only where a restart is needed. */
  restart?(ctx?: ClientContext): Promise<void>;
}
