import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { clientInformationOf, type ClientRegistration, type OAuthServerInfo } from './types';

export interface RevokeOptions {
  fetch?: FetchLike;
  /** The registration's secret, for a confidential client. */
  clientSecret?: string;
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Revokes a refresh token (RFC 7009), which ends its grant at the server. The MCP SDK has no
 * revocation call, hence this small request. Best effort: removing a connection must finish
 * even when the server is down, so every failure is an answer of `false`, never a throw.
 */
export async function revokeRefreshToken(
  server: OAuthServerInfo,
  registration: ClientRegistration,
  refreshToken: string,
  options: RevokeOptions = {},
): Promise<boolean> {
  if (!server.revocationEndpoint) return false;
  const client = clientInformationOf({ registration, clientSecret: options.clientSecret });
  const headers = new Headers({
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  });
  const body = new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' });
  // The SDK's client authentication is internal to its token requests, hence these lines
  // (RFC 7009 §2.1: the client authenticates as at the token endpoint).
  if (client.token_endpoint_auth_method === 'client_secret_basic' && client.client_secret) {
    const credentials = `${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`;
    headers.set('Authorization', `Basic ${Buffer.from(credentials).toString('base64')}`);
  } else {
    body.set('client_id', client.client_id);
    if (client.client_secret) body.set('client_secret', client.client_secret);
  }
  try {
    const response = await (options.fetch ?? fetch)(server.revocationEndpoint, {
      method: 'POST',
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    await response.body?.cancel();
    // RFC 7009 §2.2: 200 also answers a token the server no longer knows, which is what we want.
    return response.ok;
  } catch {
    return false;
  }
}
