import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from 'jose';
import * as z from 'zod';
import type { Account } from '../../shared/connection';
import { CompanionError } from '../../shared/errors';
import type { FetchLike } from './http';
import type { OAuthServerInfo } from './types';

/** The claims we show (Splattr names the organization in `organization`); odd ones are dropped. */
const ClaimsSchema = z.object({
  email: z.string().min(1).optional().catch(undefined),
  name: z.string().optional().catch(undefined),
  organization: z.string().optional().catch(undefined),
});

const unverified = () =>
  new CompanionError(
    'sign_in_failed',
    'Splattr’s answer about who signed in could not be verified, so sign-in was stopped. Please try again.',
  );

export interface AccountSources {
  server: OAuthServerInfo;
  clientId: string;
  /** The nonce sent with the authorization request, echoed in the ID token. */
  nonce: string;
  fetch: FetchLike;
}

/**
 * Who signed in: from the ID token, verified (signature against the server's JWKS, issuer,
 * audience, expiry, nonce) before any claim is read; else from the userinfo endpoint. A server
 * whose access tokens are bound to the MCP resource cannot serve userinfo with them, and
 * oidc-provider then puts the claims in the ID token itself.
 */
export async function readAccount(tokens: OAuthTokens, sources: AccountSources): Promise<Account> {
  const fromIdToken = tokens.id_token ? await verifiedClaims(tokens.id_token, sources) : {};
  const claims = fromIdToken.email ? fromIdToken : await userinfoClaims(tokens, sources);
  if (!claims.email) {
    throw new CompanionError(
      'sign_in_failed',
      'Splattr did not say which account signed in. Please try again, or contact Splattr support.',
    );
  }
  return { email: claims.email, name: claims.name, organization: claims.organization };
}

async function verifiedClaims(
  idToken: string,
  { server, clientId, nonce, fetch }: AccountSources,
): Promise<z.infer<typeof ClaimsSchema>> {
  if (!server.jwksUri) throw unverified();
  let payload: JWTPayload;
  try {
    const keys = createRemoteJWKSet(new URL(server.jwksUri), { [customFetch]: fetch });
    ({ payload } = await jwtVerify(idToken, keys, { issuer: server.issuer, audience: clientId }));
  } catch (error) {
    if (error instanceof CompanionError) throw error;
    throw unverified();
  }
  if (payload.nonce !== nonce) throw unverified();
  return parseClaims(payload);
}

async function userinfoClaims(
  tokens: OAuthTokens,
  { server, fetch }: AccountSources,
): Promise<z.infer<typeof ClaimsSchema>> {
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

function parseClaims(value: unknown): z.infer<typeof ClaimsSchema> {
  const parsed = ClaimsSchema.safeParse(value);
  return parsed.success ? parsed.data : {};
}
