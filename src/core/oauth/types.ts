import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import * as z from 'zod/mini';
import type { Account } from '../../shared/connection';

// The zod schemas are the one source of these shapes (as the MCP SDK does for OAuth): the
// registry and the keychain parse with them, so a field added here is kept on every write.

/** What a connection needs to talk to its authorization server again, none of it secret. */
export const OAuthServerInfoSchema = z.object({
  /** The MCP URL the person connected to. */
  serverUrl: z.url(),
  /** The protected resource identifier (RFC 9728 `resource`), sent as RFC 8707 `resource`. */
  resource: z.string().check(z.minLength(1)),
  /** The authorization server's issuer. */
  issuer: z.url(),
  tokenEndpoint: z.url(),
  authorizationEndpoint: z.url(),
  registrationEndpoint: z.optional(z.url()),
  revocationEndpoint: z.optional(z.url()),
  userinfoEndpoint: z.optional(z.url()),
  jwksUri: z.optional(z.url()),
  scope: z.string(),
  /** RFC 9207: the server promises `iss` on every authorization response, so one without it is refused. */
  issParameterSupported: z.optional(z.boolean()),
  /** `token_endpoint_auth_methods_supported`; absent means `client_secret_basic` (RFC 8414 §2). */
  tokenEndpointAuthMethods: z.optional(z.array(z.string())),
  /** The server resolves URL client ids itself (Client ID Metadata Documents). */
  clientIdMetadataDocumentSupported: z.optional(z.boolean()),
  /** `id_token_signing_alg_values_supported`; absent means RS256 (OpenID Connect Discovery). */
  idTokenSigningAlgs: z.optional(z.array(z.string())),
});
export type OAuthServerInfo = z.infer<typeof OAuthServerInfoSchema>;

export const TokenEndpointAuthMethodSchema = z.enum([
  'none',
  'client_secret_basic',
  'client_secret_post',
]);
export type TokenEndpointAuthMethod = z.infer<typeof TokenEndpointAuthMethodSchema>;

/**
 * How the client id was obtained, in the MCP spec's order of preference: given by the person
 * (pre-registered), our metadata document's URL (CIMD), or dynamic registration (DCR).
 */
export const RegistrationKindSchema = z.enum(['preregistered', 'cimd', 'dcr']);
export type RegistrationKind = z.infer<typeof RegistrationKindSchema>;

/** The client registration we keep and reuse; a secret, if any, lives in the keychain only. */
export const ClientRegistrationSchema = z.object({
  clientId: z.string().check(z.minLength(1)),
  redirectUris: z.array(z.string()),
  clientName: z.string(),
  registeredAt: z.string(),
  /** The issuer that knows this client id; absent in records written before it was kept. */
  issuer: z.optional(z.string()),
  /** Absent in records written before it was kept: those were all dynamic registrations. */
  kind: z.optional(RegistrationKindSchema),
  /** Absent: `none` (a public client), as every registration before it was kept. */
  tokenEndpointAuthMethod: z.optional(TokenEndpointAuthMethodSchema),
});
export type ClientRegistration = z.infer<typeof ClientRegistrationSchema>;

/** A client and its secret (absent for a public client; kept in the keychain only). */
export interface ObtainedClient {
  registration: ClientRegistration;
  clientSecret?: string;
}

/** What the SDK's token requests take: the method decides where the secret goes. */
export function clientInformationOf({ registration, clientSecret }: ObtainedClient): {
  client_id: string;
  client_secret?: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
} {
  const method = registration.tokenEndpointAuthMethod ?? 'none';
  return {
    client_id: registration.clientId,
    ...(method !== 'none' && clientSecret ? { client_secret: clientSecret } : {}),
    token_endpoint_auth_method: method,
  };
}

/** Lives only in the keychain. `expiresAt` is absolute, in epoch milliseconds. */
export const TokenSetSchema = z.object({
  accessToken: z.string().check(z.minLength(1)),
  refreshToken: z.optional(z.string().check(z.minLength(1))),
  expiresAt: z.number(),
  /** When the tokens were received (epoch ms): with `expiresAt`, their lifetime. */
  obtainedAt: z.optional(z.number()),
  scope: z.optional(z.string()),
});
export type TokenSet = z.infer<typeof TokenSetSchema>;

/** RFC 6749 leaves a missing `expires_in` to the server's documentation; assume an hour. */
const DEFAULT_LIFETIME_S = 3_600;

/**
 * A token response as the keychain keeps it, with an absolute expiry. `requestedScope` stands in
 * for an absent `scope`, which RFC 6749 §5.1 says means "as requested".
 */
export function toTokenSet(
  tokens: OAuthTokens,
  receivedAt: number,
  requestedScope?: string,
): TokenSet {
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: receivedAt + (tokens.expires_in ?? DEFAULT_LIFETIME_S) * 1000,
    obtainedAt: receivedAt,
    scope: tokens.scope ?? requestedScope,
  };
}

export interface SignInResult {
  server: OAuthServerInfo;
  registration: ClientRegistration;
  /** The registration's secret, for the keychain; absent for a public client. */
  clientSecret?: string;
  tokens: TokenSet;
  /** Empty when the server did not say who signed in. */
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
