import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ClientRegistration, OAuthServerInfo } from './types';

export interface RevokeOptions {
  fetch?: FetchLike;
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
  try {
    const response = await (options.fetch ?? fetch)(server.revocationEndpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: new URLSearchParams({
        token: refreshToken,
        token_type_hint: 'refresh_token',
        client_id: registration.clientId,
      }),
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
