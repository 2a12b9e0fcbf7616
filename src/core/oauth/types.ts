import type { Account } from '../../shared/connection';

/** What a connection needs to talk to its authorization server again, none of it secret. */
export interface OAuthServerInfo {
  /** The MCP URL the person connected to. */
  serverUrl: string;
  /** The protected resource identifier (RFC 9728 `resource`), sent as RFC 8707 `resource`. */
  resource: string;
  /** The authorization server's issuer. */
  issuer: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  registrationEndpoint?: string;
  revocationEndpoint?: string;
  userinfoEndpoint?: string;
  jwksUri?: string;
  scope: string;
  /** RFC 9207: the server promises `iss` on every authorization response, so one without it is refused. */
  issParameterSupported?: boolean;
}

/** The dynamic client registration we keep and reuse (public client: no secret). */
export interface ClientRegistration {
  clientId: string;
  redirectUris: string[];
  clientName: string;
  registeredAt: string;
}

/** Lives only in the keychain. `expiresAt` is absolute, in epoch milliseconds. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  expiresAt: number;
  /** When the tokens were received (epoch ms): with `expiresAt`, their lifetime. */
  obtainedAt?: number;
  scope?: string;
}

export interface SignInResult {
  server: OAuthServerInfo;
  registration: ClientRegistration;
  tokens: TokenSet;
  account: Account;
}

/**
 * The outcome of one refresh attempt at the token endpoint:
 * - `ok`: new tokens (store them: refresh tokens rotate);
 * - `invalid_grant`: the grant is gone (revoked or expired) — the person must sign in again;
 * - `invalid_client`: the registration is gone — register again, then sign in again;
 * - `transient`: network error, 5xx or `temporarily_unavailable` — retry later, never sign-in.
 */
export type RefreshOutcome =
  | { kind: 'ok'; tokens: TokenSet }
  | { kind: 'invalid_grant' }
  | { kind: 'invalid_client' }
  | { kind: 'transient'; reason: string };
