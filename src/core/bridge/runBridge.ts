import { statSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CompanionError } from '../../shared/errors';
import { createTokenManager } from '../credentials/tokenManager';
import type { TokenStore } from '../credentials/tokenStore';
import { createLogger } from '../log';
import { openRegistryReader } from '../registry/registryReader';
import { ConnectionIdSchema } from '../registry/schema';
import { openStatusFiles } from '../registry/statusFiles';
import { stepUpScope } from '../oauth/scope';
import { createBearerFetch } from './bearerFetch';
import { createHeapTrimmer } from './heapTrimmer';
import { createNodeFetch } from './nodeFetch';
import { Relay } from './relay';

export const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

export interface RunBridgeOptions {
  connectionId: string;
  dataDir: string;
  requestTimeoutMs?: number;
  /** The keychain; the entry gives one whose first read started before this code loaded. */
  tokenStore?: TokenStore;
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

  const statusFiles = openStatusFiles(options.dataDir);
  const fetch = createNodeFetch({ env: process.env, proxyUrl: registry.getSettings().proxyUrl });
  const tokens = createTokenManager({
    dataDir: options.dataDir,
    tokenStore: options.tokenStore,
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
  const bearer = createBearerFetch(
    {
      getAccessToken: () => {
        const stamp = fileStamp(statusFile);
        if (stamp !== seenStatus) {
          seenStatus = stamp;
          tokens.forget(id);
        }
        return tokens.getAccessToken(id);
      },
      refreshAfterRejection: (rejected) => tokens.refreshAfterRejection(id, rejected),
      async forbidden(response) {
        // Read now, not at start: a step-up sign-in since then widened the connection's scope.
        // Asked again for scope it already holds, the 403 goes to the client as Splattr's
        // answer: one step-up, never a loop of sign-ins.
        const wanted = stepUpScope(registry.get(id)?.server.scope, response);
        if (!wanted) return;
        await response.body?.cancel();
        log.info('Splattr asked for more access', { ...logFields, scope: wanted });
        await statusFiles.update(id, { needsSignIn: true, stepUpScope: wanted });
        throw new CompanionError('needs_sign_in');
      },
    },
    fetch,
  );
  const serverUrl = new URL(record.serverUrl);
  const relay = new Relay({
    downstream: new StdioServerTransport(options.stdin, options.stdout),
    openUpstream: () => new StreamableHTTPClientTransport(serverUrl, { fetch: bearer.fetch }),
    refreshAfterToolAuthError: () => bearer.refreshLastToken(),
    client: record.client,
    status: { update: (patch) => statusFiles.update(id, patch).then(() => undefined) },
    log: {
      info: (message, fields) => log.info(message, { ...logFields, ...fields }),
      warn: (message, fields) => log.warn(message, { ...logFields, ...fields }),
      error: (message, fields) => log.error(message, { ...logFields, ...fields }),
    },
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    idle: createHeapTrimmer().idle,
  });
  await relay.start();
  log.info('bridge started', { ...logFields, pid: process.pid });
  return { close: () => relay.close() };
}

/** Changes whenever the file is replaced (atomic writes give it a new inode). */
function fileStamp(file: string): string {
  const stats = statSync(file, { throwIfNoEntry: false });
  return stats ? `${stats.ino}:${stats.mtimeMs}` : '';
}
