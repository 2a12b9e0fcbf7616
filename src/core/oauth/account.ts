import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from 'jose';
import * as z from 'zod';
import type { Account } from '../../shared/connection';
import { CompanionError } from '../../shared/errors';
import type { FetchLike } from './http';
import type { OAuthServerInfo } from './types';

/** The claims we show (Splattr names the organization in `organization`); odd ones are dropped. */
const ClaimsSchema = z.object({
  sub: z.string().min(1).optional().catch(undefined),
  email: z.string().min(1).optional().catch(undefined),
  name: z.string().optional().catch(undefined),
  organization: z.string().optional().catch(undefined),
});
type Claims = z.infer<typeof ClaimsSchema>;

const unverified = () =>
  new CompanionError(
    'sign_in_failed',
    'Splattr’s answer about who signed in could not be verified, so sign-in was stopped. Please try again.',
  );

/** OpenID Connect Discovery: RS256 when the server does not list its ID token algorithms. */
const DEFAULT_ID_TOKEN_ALGS = ['RS256'];

export interface AccountSources {
  server: OAuthServerInfo;
  clientId: string;
  /** The nonce sent with the authorization request, echoed in the ID token. */
  nonce: string;
  fetch: FetchLike;
}

/**
 * Who signed in, when the server says so; never required, since OAuth servers need not say.
 * From the ID token, verified before any claim is read (signature against the server's JWKS
 * with the algorithms it lists, issuer, audience, `azp`, `exp`, `iat`, `sub`, nonce); else, or
 * in addition when it lacks an email, from userinfo, whose `sub` must then be the ID token's
 * (OpenID Connect Core §5.3.2: otherwise it describes someone else). An ID token that fails
 * verification stops the sign-in; no ID token and no userinfo gives an empty account.
 */
export async function readAccount(tokens: OAuthTokens, sources: AccountSources): Promise<Account> {
  const fromIdToken = tokens.id_token ? await verifiedClaims(tokens.id_token, sources) : undefined;
  let claims: Claims = fromIdToken ?? {};
  if (!claims.email) {
    const fromUserinfo = await userinfoClaims(tokens, sources);
    if (fromIdToken?.sub && fromUserinfo.sub && fromUserinfo.sub !== fromIdToken.sub) {
      throw unverified();
    }
    claims = { ...fromUserinfo, ...definedOnly(claims) };
  }
  const account: Account = {};
  if (claims.email) account.email = claims.email;
  if (claims.name) account.name = claims.name;
  if (claims.organization) account.organization = claims.organization;
  return account;
}

async function verifiedClaims(
  idToken: string,
  { server, clientId, nonce, fetch }: AccountSources,
): Promise<Claims> {
  if (!server.jwksUri) throw unverified();
  let payload: JWTPayload;
  try {
    const keys = createRemoteJWKSet(new URL(server.jwksUri), { [customFetch]: fetch });
    ({ payload } = await jwtVerify(idToken, keys, {
      issuer: server.issuer,
      audience: clientId,
      algorithms: server.idTokenSigningAlgs ?? DEFAULT_ID_TOKEN_ALGS,
      requiredClaims: ['exp', 'iat', 'sub'],
    }));
  } catch (error) {
    if (error instanceof CompanionError) throw error;
    throw unverified();
  }
  if (payload.nonce !== nonce) throw unverified();
  // OpenID Connect Core §3.1.3.7: with several audiences the token must name us as its party.
  const audiences = [payload.aud].flat();
  if ((audiences.length > 1 || payload.azp !== undefined) && payload.azp !== clientId) {
    throw unverified();
  }
  return parseClaims(payload);
}

async function userinfoClaims(
  tokens: OAuthTokens,
  { server, fetch }: AccountSources,
): Promise<Claims> {
  if (!server.userinfoEndpoint) return {};
  const response = await fetch(server.userinfoEndpoint, {
    headers: { authorization: `Bearer ${tokens.access_token}`, accept: 'application/json' },
  });
  if (!response.ok) {
    await response.body?.cancel();
    return {};
  }
  return parseClaims(await response.json().catch(() => ({})));
}

function parseClaims(value: unknown): Claims {
  const parsed = ClaimsSchema.safeParse(value);
  return parsed.success ? parsed.data : {};
}

function definedOnly(claims: Claims): Claims {
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}
