import { statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { CompanionError } from '../../shared/errors';
import type { ClientSecretStore } from '../credentials/clientSecretStore';
import { createTokenManager } from '../credentials/tokenManager';
import type { TokenStore } from '../credentials/tokenStore';
import { createLogger } from '../log';
import { openRegistryReader } from '../registry/registryReader';
import { ConnectionIdSchema } from '../registry/schema';
import { openStatusFiles } from '../registry/statusFiles';
import { checkConnectionTarget } from '../oauth/secureUrl';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { HttpSession } from './httpSession';
import { createTransports, type TransportFor } from '../net/transports';
import { createNodeFetch } from './nodeFetch';
import { DEFAULT_MAX_MESSAGE_BYTES } from './messages';
import { Relay } from './relay';
import { openStdio } from './stdio';
import type { BridgeAuth } from './types';

export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

export interface RunBridgeOptions {
  connectionId: string;
  dataDir: string;
  requestTimeoutMs?: number;
  /** The keychain; the entry gives one whose first read started before this code loaded. */
  tokenStore?: TokenStore;
  /** Where a confidential registration's client secret is, for refresh; in the same keychain. */
  clientSecrets?: ClientSecretStore;
  /** How each request reaches its server (the seam for proxies and extra CAs). */
  transportFor?: TransportFor;
  /** How token refresh reaches the authorization server; default node:http over transportFor. */
  fetch?: FetchLike;
  /** The largest message relayed either way, in bytes. */
  maxMessageBytes?: number;
  /** Called when every answer owed to the client has been written. */
  idle?: () => void;
  stdin?: Readable;
  stdout?: Writable;
}

export interface RunningBridge {
  /** Ends the upstream session (best effort) and stops relaying. */
  close(): Promise<void>;
}

/**
 * Starts relaying between stdio and the connection's Splattr endpoint. Throws a CompanionError
 * when the connection is unknown; everything after that (sign-in needed, Splattr down) is
 * answered on the wire instead, so the AI client keeps its server and recovers without a restart.
 */
export async function runBridge(options: RunBridgeOptions): Promise<RunningBridge> {
  const parsedId = ConnectionIdSchema.safeParse(options.connectionId);
  if (!parsedId.success) {
    throw new CompanionError('invalid_input', 'The connection id after --connection is not valid.');
  }
  const id = parsedId.data;
  const log = createLogger(options.dataDir, 'bridge');
  const registry = openRegistryReader({ dataDir: options.dataDir });
  const record = registry.get(id);
  if (!record) throw new CompanionError('connection_not_found');
  checkConnectionTarget(record.serverUrl, record.server);

  const statusFiles = openStatusFiles(options.dataDir);
  // Clients launch the bridge without the person's environment: the app's proxy setting, read
  // from the registry, reaches it here (core/net applies it and the environment's variables).
  const transportFor =
    options.transportFor ??
    createTransports({ env: process.env, proxyUrl: registry.getSettings().proxyUrl });
  const fetch = options.fetch ?? createNodeFetch(transportFor);
  const tokens = createTokenManager({
    dataDir: options.dataDir,
    tokenStore: options.tokenStore,
    clientSecrets: options.clientSecrets,
    registry,
    statusFiles,
    logger: log,
    fetch,
  });
  // The token manager keeps the tokens in memory. A sign-in elsewhere (Reconnect) stores new
  // ones, then writes the status file: seeing that file replaced, the next call reads the
  // keychain again, even while the tokens in memory still work (they may be another account's).
  const logFields = { connection: id };
  const statusFile = statusFiles.fileOf(id);
  let seenStatus = fileStamp(statusFile);
  let lastToken: string | undefined;
  const auth: BridgeAuth = {
    getAccessToken: async () => {
      const stamp = fileStamp(statusFile);
      if (stamp !== seenStatus) {
        seenStatus = stamp;
        tokens.forget(id);
      }
      return (lastToken = await tokens.getAccessToken(id));
    },
    refreshAfterRejection: async (rejected) =>
      (lastToken = await tokens.refreshAfterRejection(id, rejected)),
    async forbidden(response) {
      // Read now, not at start: a step-up sign-in since then widened the connection's scope.
      // Asked again for scope it already holds, the 403 goes to the client as Splattr's
      // answer: one step-up, never a loop of sign-ins.
      // Loaded on a 403 only: it brings the SDK's auth module, which a bridge rarely needs.
      const { stepUpScope } = await import('../oauth/scope');
      const wanted = stepUpScope(registry.get(id)?.server.scope, response);
      if (!wanted) return;
      log.info('Splattr asked for more access', { ...logFields, scope: wanted });
      await statusFiles.update(id, { needsSignIn: true, stepUpScope: wanted });
      throw new CompanionError('needs_sign_in');
    },
  };
  const serverUrl = new URL(record.serverUrl);
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const bridgeLog = {
    info: (message: string, fields?: Record<string, unknown>) =>
      log.info(message, { ...logFields, ...fields }),
    warn: (message: string, fields?: Record<string, unknown>) =>
      log.warn(message, { ...logFields, ...fields }),
    error: (message: string, fields?: Record<string, unknown>) =>
      log.error(message, { ...logFields, ...fields }),
  };
  // Read before the client's first message can need it: the copy answers a signed-out start.
  const saved = await statusFiles.read(id).catch(() => undefined);
  const origin = serverUrl.origin;
  let checkedStatus = '';
  const relay: Relay = new Relay({
    downstream: openStdio({
      input: options.stdin ?? process.stdin,
      output: options.stdout ?? process.stdout,
      maxMessageBytes,
      log: bridgeLog,
      line: (line) => relay.fromClient(line),
      tooLong: (head) => relay.clientLineTooLong(head),
    }),
    openUpstream: (handlers) =>
      new HttpSession({ url: serverUrl, transportFor, auth, maxMessageBytes, handlers }),
    refreshAfterToolAuthError: async () => {
      lastToken = await tokens.refreshAfterRejection(
        id,
        lastToken ?? (await auth.getAccessToken()),
      );
    },
    client: record.client,
    status: { update: (patch) => statusFiles.update(id, patch).then(() => undefined) },
    log: bridgeLog,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    maxMessageBytes,
    idle: options.idle,
    savedServer: saved?.savedServer,
    serverEras: saved?.serverEras?.[origin],
    origin,
    // A sign-in (Reconnect) stores the tokens, then clears needsSignIn in the status file.
    signedInAgain: async () => {
      const stamp = fileStamp(statusFile);
      if (stamp === checkedStatus) return false;
      checkedStatus = stamp;
      return (await statusFiles.read(id).catch(() => undefined))?.needsSignIn === false;
    },
  });
  log.info('bridge started', { ...logFields, pid: process.pid });
  return { close: () => relay.close() };
}

/** Changes whenever the file is replaced (atomic writes give it a new inode). */
function fileStamp(file: string): string {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats ? `${stats.ino}:${stats.mtimeMs}` : '';
}
