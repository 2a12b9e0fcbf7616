import { refreshAuthorization } from '@modelcontextprotocol/sdk/client/auth.js';
import {
  InvalidClientError,
  InvalidGrantError,
  OAuthError,
  UnauthorizedClientError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { CompanionError } from '../../shared/errors';
import { sdkMetadata } from './discovery';
import { capBody } from './http';
import {
  clientInformationOf,
  toTokenSet,
  type ClientRegistration,
  type OAuthServerInfo,
  type RefreshOutcome,
} from './types';

export interface RefreshOptions {
  fetch?: FetchLike;
  /** Cancels the request; a cancelled refresh rejects with the abort reason. */
  signal?: AbortSignal;
  /** Bounds one token-endpoint request. */
  timeoutMs?: number;
  /** The registration's secret, for a confidential client. */
  clientSecret?: string;
  now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 8_000;

/**
 * One refresh_token request to the token endpoint, through the MCP SDK's `refreshAuthorization`
 * (it sends `resource` and authenticates the client as its registration says, and keeps the old refresh token when
 * the server does not rotate it). What the SDK leaves to us: a timeout, and sorting its errors
 * into what the caller must do next. Only a definite answer from the server ends the grant;
 * everything else is `transient`. Reasons are short codes, never server text or token values.
 */
export async function refreshTokens(
  server: OAuthServerInfo,
  registration: ClientRegistration,
  refreshToken: string,
  options: RefreshOptions = {},
): Promise<RefreshOutcome> {
  const now = options.now ?? Date.now;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const baseFetch = options.fetch ?? fetch;
  try {
    const tokens = await refreshAuthorization(server.issuer, {
      metadata: sdkMetadata(server),
      clientInformation: clientInformationOf({ registration, clientSecret: options.clientSecret }),
      refreshToken,
      resource: server.resource,
      fetchFn: async (url, init) => capBody(await baseFetch(url, { ...init, signal })),
    });
    return { kind: 'ok', tokens: toTokenSet(tokens, now()) };
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    return classify(error);
  }
}

function classify(error: unknown): RefreshOutcome {
  if (error instanceof InvalidGrantError) return { kind: 'invalid_grant' };
  if (error instanceof InvalidClientError || error instanceof UnauthorizedClientError) {
    return { kind: 'invalid_client' };
  }
  // server_error (also any 5xx or 429 without an OAuth body), temporarily_unavailable,
  // too_many_requests, and protocol errors that a later attempt or a server fix may clear.
  if (error instanceof OAuthError) return { kind: 'transient', reason: error.errorCode };
  if (error instanceof Error && error.name === 'TimeoutError') {
    return { kind: 'transient', reason: 'timeout' };
  }
  // A body past the cap, or one the SDK's schema refuses.
  if (error instanceof CompanionError || (error instanceof Error && error.name === 'ZodError')) {
    return { kind: 'transient', reason: 'malformed_response' };
  }
  return { kind: 'transient', reason: 'network' };
}
