import {
  NEEDS_SIGN_IN_HINT,
  type Connection,
  type ConnectionStatus,
} from '../../shared/connection';
import { CompanionError, ERROR_MESSAGES } from '../../shared/errors';
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
): Promise<Connection> {
  let inConfig = true;
  let configError: string | undefined;
  try {
    inConfig = await client.hasOurEntry(record.id, ctx);
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
