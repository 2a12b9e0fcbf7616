import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CompanionError } from '../../shared/errors';
import { failpoint } from '../failpoints';
import { createLogger, type Logger } from '../log';
import type { TokenSet } from '../oauth/types';
import { dataDir as defaultDataDir } from '../paths';
import type { RegistryReader } from '../registry/registryReader';
import type { ConnectionRecord } from '../registry/schema';
import { openStatusFiles, type StatusFiles } from '../registry/statusFiles';
import type { LockTiming } from '../lock';
import { createClientSecretStore, type ClientSecretStore } from './clientSecretStore';
import { createTokenStore, type TokenStore } from './tokenStore';

export interface RetryPolicy {
  /** Token-endpoint attempts per refresh, the first included. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface TokenManagerOptions {
  dataDir?: string;
  tokenStore?: TokenStore;
  /** Where a confidential client's secret is; read only when a refresh needs it. */
  clientSecrets?: ClientSecretStore;
  /** The bridge passes the read-only reader (it never writes the registry); the app its registry. */
  registry: Pick<RegistryReader, 'get'>;
  statusFiles?: StatusFiles;
  fetch?: FetchLike;
  /**
   * Tokens expiring within this are refreshed first; within less for tokens that live less than
   * four times as long (see `marginFor`).
   */
  refreshMarginMs?: number;
  /** For transient failures (network, 5xx, temporarily_unavailable): about 4 s in all by default. */
  retry?: Partial<RetryPolicy>;
  lock?: LockTiming;
  logger?: Logger;
  now?: () => number;
}

export interface TokenManager {
  /** A usable access token, refreshed first when it expires within the margin. */
  getAccessToken(connectionId: string): Promise<string>;
  /**
   * After the server answered 401 to `rejectedAccessToken`: the token another process already
   * stored, or a refreshed one.
   */
  refreshAfterRejection(connectionId: string, rejectedAccessToken: string): Promise<string>;
  /** Stores tokens from a sign-in (under the lock, so no refresh overwrites them) and clears needs-sign-in. */
  storeTokens(connectionId: string, tokens: TokenSet): Promise<void>;
  /** Drops the tokens kept in memory, so the next call reads the keychain (another process signed in). */
  forget(connectionId: string): void;
}

/** A server may issue no refresh token (the spec leaves it free): the person is told why. */
const noRenewal = () =>
  new CompanionError(
    'needs_sign_in',
    'Your Splattr access for this connection expired, and this Splattr server does not let the app renew it on its own: open Splattr Companion and click Reconnect.',
  );

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, initialDelayMs: 250, maxDelayMs: 2_000 };
const DEFAULT_MARGIN_MS = 60_000;

/**
 * Single-flight token refresh for the bridge, the app and the CLI. Refresh tokens rotate and a
 * reused one ends the grant, so only one process may refresh a connection at a time: under the
 * connection's lock the keychain is read again, and a refresh happens only if the tokens there
 * still need one. Transient failures are retried and never cost the person their sign-in; only
 * the server's `invalid_grant` / `invalid_client` do.
 *
 * Between refreshes the tokens this process last read or stored are used from memory: a keychain
 * read costs about 0.7 ms (a D-Bus round trip on Linux), on every call of a bridge otherwise. They
 * are read again when they near expiry, when the server rejects them, and after `forget`.
 */
export function createTokenManager(options: TokenManagerOptions): TokenManager {
  const dir = options.dataDir ?? defaultDataDir();
  const store = options.tokenStore ?? createTokenStore();
  const { registry } = options;
  const status = options.statusFiles ?? openStatusFiles(dir);
  const log = options.logger ?? createLogger(dir, 'credentials');
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? DEFAULT_MARGIN_MS;
  const retry = { ...DEFAULT_RETRY, ...options.retry };

  const known = new Map<string, TokenSet>();

  // Within one process, callers queue here instead of polling the lock file against each other.
  const queues = new Map<string, Promise<unknown>>();
  function exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = queues.get(id) ?? Promise.resolve();
    const run = previous
      .catch(() => {})
      // Loaded when first needed: a bridge may run for hours before its first refresh.
      .then(() => import('./refreshLock'))
      .then(({ withRefreshLock }) => withRefreshLock(dir, id, work, options.lock));
    const settled = run.catch(() => {});
    queues.set(id, settled);
    void settled.then(() => {
      if (queues.get(id) === settled) queues.delete(id);
    });
    return run;
  }

  async function secretOf(id: string, record: ConnectionRecord): Promise<string | undefined> {
    const method = record.registration.tokenEndpointAuthMethod ?? 'none';
    if (method === 'none') return undefined;
    const secrets = options.clientSecrets ?? createClientSecretStore();
    return (await secrets.get(id))?.clientSecret;
  }

  function recordOf(id: string): ConnectionRecord {
    const record = registry.get(id);
    if (!record) throw new CompanionError('connection_not_found');
    return record;
  }

  async function report(id: string, patch: Parameters<StatusFiles['update']>[1]): Promise<void> {
    try {
      await status.update(id, patch);
    } catch (error) {
      log.warn(`could not write the status of ${id}`, error);
    }
  }

  /** Marks the connection and returns the error to throw. */
  async function needsSignIn(
    id: string,
    why: string,
    error = new CompanionError('needs_sign_in'),
  ): Promise<CompanionError> {
    log.warn(`connection ${id} needs sign-in: ${why}`);
    await report(id, { needsSignIn: true, lastError: error.message });
    return error;
  }

  /** Runs under the lock with the tokens just read from the keychain. */
  async function refresh(id: string, current: TokenSet, stillUsable: boolean): Promise<string> {
    if (!current.refreshToken) {
      if (stillUsable) return current.accessToken;
      throw await needsSignIn(id, 'no refresh token', noRenewal());
    }
    const record = recordOf(id);
    const { refreshTokens } = await import('../oauth/refresh');
    const clientSecret = await secretOf(id, record);
    let reason = '';
    for (let attempt = 1; attempt <= retry.attempts; attempt++) {
      failpoint('refresh:before-request');
      const outcome = await refreshTokens(
        record.server,
        record.registration,
        current.refreshToken,
        { fetch: options.fetch, now, clientSecret },
      );
      switch (outcome.kind) {
        case 'ok': {
          // The server has rotated the refresh token; the keychain still holds the old one.
          failpoint('refresh:after-response');
          await store.set(id, outcome.tokens);
          known.set(id, outcome.tokens);
          log.info(`refreshed the tokens of ${id}`);
          // Also tells the other processes, which keep their tokens in memory, to read the
          // keychain again (they watch the status file).
          await report(id, { needsSignIn: false, lastError: undefined });
          return outcome.tokens.accessToken;
        }
        case 'invalid_grant':
        case 'invalid_client':
          // The tokens are dead at the server; removing them spares every later call a request
          // and lets a bridge notice the new ones a sign-in stores.
          known.delete(id);
          await store.delete(id);
          throw await needsSignIn(id, outcome.kind);
        case 'transient':
          reason = outcome.reason;
          log.warn(`refresh of ${id} failed (${reason}), attempt ${attempt} of ${retry.attempts}`);
          if (attempt < retry.attempts) {
            await sleep(Math.min(retry.initialDelayMs * 2 ** (attempt - 1), retry.maxDelayMs));
          }
      }
    }
    // The old access token is still good for a while: better than failing the call.
    if (stillUsable && current.expiresAt > now()) return current.accessToken;
    const error = new CompanionError(
      reason === 'network' || reason === 'timeout' ? 'server_unreachable' : 'server_error',
    );
    await report(id, { lastError: error.message });
    throw error;
  }

  /** Reads the keychain, for a connection the registry still knows. */
  async function storedTokens(id: string): Promise<TokenSet> {
    recordOf(id);
    const tokens = await store.get(id);
    if (!tokens) {
      known.delete(id);
      throw await needsSignIn(id, 'no tokens in the keychain');
    }
    known.set(id, tokens);
    return tokens;
  }

  /**
   * A fixed margin longer than the tokens' lifetime would refresh on every call (a server
   * issuing 5-second tokens would see one refresh per request), so it is capped at a quarter of
   * the lifetime when the tokens say when they were obtained.
   */
  const marginFor = (tokens: TokenSet) =>
    tokens.obtainedAt === undefined
      ? margin
      : Math.min(margin, (tokens.expiresAt - tokens.obtainedAt) / 4);
  const fresh = (tokens: TokenSet) => tokens.expiresAt - now() > marginFor(tokens);

  return {
    async getAccessToken(id) {
      const tokens = known.get(id) ?? (await storedTokens(id));
      if (fresh(tokens)) return tokens.accessToken;
      return exclusive(id, async () => {
        const current = await storedTokens(id);
        if (fresh(current)) return current.accessToken;
        return refresh(id, current, true);
      });
    },

    refreshAfterRejection(id, rejected) {
      return exclusive(id, async () => {
        const current = await storedTokens(id);
        if (current.accessToken !== rejected) return current.accessToken;
        return refresh(id, current, false);
      });
    },

    storeTokens(id, tokens) {
      return exclusive(id, async () => {
        await store.set(id, tokens);
        known.set(id, tokens);
        await report(id, { needsSignIn: false, lastError: undefined });
      });
    },

    forget(id) {
      known.delete(id);
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
