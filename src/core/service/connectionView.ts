import {
  NEEDS_SIGN_IN_HINT,
  type Connection,
  type ConnectionStatus,
} from '../../shared/connection';
import { CompanionError, ERROR_MESSAGES } from '../../shared/errors';
import { temporaryLocation } from '../appLauncher';
import { entryHealth, type BridgeLauncher, type EntryHealth } from '../bridgeEntry';
import type { ClientContext, McpClient } from '../clients';
import type { ConnectionRecord } from '../registry/schema';
import type { ConnectionStatusFile } from '../registry/statusFiles';

/**
 * What the person sees of a connection, from the three places that know something about it:
 * the registry (who, where), the bridges' status file (health), and the client's config (whether
 * the client will still launch it).
 */
export async function viewConnection(
  record: ConnectionRecord,
  status: ConnectionStatusFile | undefined,
  client: McpClient,
  ctx: ClientContext,
  launcher: BridgeLauncher,
): Promise<Connection> {
  let inConfig = true;
  let health: EntryHealth = 'current';
  let configError: string | undefined;
  try {
    const entry = await client.readEntry(ctx);
    inConfig = entry.kind === 'ours' && entry.connectionId === record.id;
    if (entry.kind === 'ours' && inConfig) health = entryHealth(entry.entry, launcher);
  } catch (error) {
    configError = error instanceof CompanionError ? error.message : ERROR_MESSAGES.config_invalid;
  }

  let state: ConnectionStatus = 'connected';
  let lastError: string | undefined;
  if (status?.needsSignIn) {
    state = 'needs_sign_in';
    // The status file holds the sentence meant for the AI client ("open Splattr Companion…").
    lastError = NEEDS_SIGN_IN_HINT;
  } else if (configError) {
    state = 'error';
    lastError = configError;
  } else if (!inConfig) {
    state = 'missing_from_config';
    lastError = `${client.name} no longer lists Splattr in its configuration. Click Repair to put it back.`;
  } else if (health === 'missing' || (health === 'moved' && lasting(launcher))) {
    state = 'needs_repair';
    lastError =
      health === 'missing'
        ? `${client.name} starts Splattr from a place that no longer exists (Splattr Companion moved or was updated). Click Repair to point it at this copy.`
        : `${client.name} starts Splattr from an older copy of Splattr Companion. Click Repair to point it at this copy.`;
  } else if (status?.lastError) {
    state = 'error';
    lastError = status.lastError;
  }

  return {
    id: record.id,
    client: record.client,
    serverUrl: record.serverUrl,
    status: state,
    account: record.account,
    createdAt: record.createdAt,
    ...(status?.lastUsedAt ? { lastUsedAt: status.lastUsedAt } : {}),
    ...(lastError ? { lastError } : {}),
  };
}

/** A working entry that names another copy is better than one naming a copy that will vanish. */
function lasting(launcher: BridgeLauncher): boolean {
  return temporaryLocation(launcher.command, process.platform) === undefined;
}
