import {
  discoverAuthorizationServerMetadata,
  discoverOAuthProtectedResourceMetadata,
  extractWWWAuthenticateParams,
} from '@modelcontextprotocol/sdk/client/auth.js';
import type { AuthorizationServerMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import {
  checkResourceAllowed,
  resourceUrlFromServerUrl,
} from '@modelcontextprotocol/sdk/shared/auth-utils.js';
import type { OAuthProtectedResourceMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { CompanionError } from '../../shared/errors';
import { signInFetch, type FetchLike } from './http';
import { mergeScopes } from './scope';
import { requireSecureServerUrl, requireSecureUrl } from './secureUrl';
import type { OAuthServerInfo } from './types';

/**
 * What Splattr needs to say who signed in, and refresh tokens from servers that want
 * `offline_access` for them: asked for only when the authorization server lists them.
 */
export const OPTIONAL_SCOPES = ['openid', 'email', 'profile', 'offline_access'] as const;

export interface DiscoverOptions {
  fetch?: FetchLike;
  signal?: AbortSignal;
}

const unsupported = (why: string) =>
  new CompanionError(
    'server_unsupported',
    `${why} Check the Splattr server address in Settings, or contact Splattr support.`,
  );

/**
 * Finds everything sign-in needs for an MCP URL, in the order the MCP authorization spec
 * (2025-11-25 and 2026-07-28) gives: the 401 challenge, protected-resource metadata (RFC 9728), then the
 * authorization server's metadata (RFC 8414, then OpenID discovery). Refuses a server that does
 * not advertise PKCE S256 or whose metadata does not describe itself.
 */
export async function discoverServer(
  serverUrl: string,
  options: DiscoverOptions = {},
): Promise<OAuthServerInfo> {
  const url = requireSecureServerUrl(serverUrl);
  const fetchFn = signInFetch(options.fetch, options.signal);
  const challenge = await readChallenge(url, fetchFn);
  const resourceMetadata = await readResourceMetadata(url, challenge.resourceMetadataUrl, fetchFn);

  const resource = resourceMetadata.resource;
  if (
    !checkResourceAllowed({
      requestedResource: resourceUrlFromServerUrl(url),
      configuredResource: resource,
    })
  ) {
    throw unsupported('The server’s metadata describes a different address than the one given.');
  }

  const issuer = resourceMetadata.authorization_servers?.[0];
  if (!issuer) throw unsupported('The server does not name its sign-in (authorization) server.');
  requireSecureUrl(issuer, 'The Splattr sign-in server’s address');
  const metadata = await readAuthorizationServerMetadata(issuer, fetchFn);

  const extra = metadata as Record<string, unknown>;
  const endpoints = {
    authorizationEndpoint: metadata.authorization_endpoint,
    tokenEndpoint: metadata.token_endpoint,
    registrationEndpoint: metadata.registration_endpoint,
    revocationEndpoint: optionalString(extra.revocation_endpoint),
    userinfoEndpoint: optionalString(extra.userinfo_endpoint),
    jwksUri: optionalString(extra.jwks_uri),
  };
  // Before anything is sent there: a code, a secret or a token over plain http is readable
  // by anyone on the way.
  for (const endpoint of Object.values(endpoints)) {
    if (endpoint) requireSecureUrl(endpoint, 'An address in the Splattr sign-in server’s metadata');
  }
  return {
    serverUrl: url.href,
    // Sent verbatim: URL normalisation would add a "/" that exact-match servers reject.
    resource,
    issuer: metadata.issuer,
    ...endpoints,
    scope: chooseScope(challenge.scope, resourceMetadata, metadata),
    issParameterSupported: extra.authorization_response_iss_parameter_supported === true,
    tokenEndpointAuthMethods: metadata.token_endpoint_auth_methods_supported,
    clientIdMetadataDocumentSupported: extra.client_id_metadata_document_supported === true,
    idTokenSigningAlgs: optionalStrings(extra.id_token_signing_alg_values_supported),
  };
}

/**
 * The SDK's request functions take RFC 8414 metadata; this rebuilds the part they read from what
 * a connection keeps, so a stored connection needs no second discovery.
 */
export function sdkMetadata(server: OAuthServerInfo): AuthorizationServerMetadata {
  return {
    issuer: server.issuer,
    authorization_endpoint: server.authorizationEndpoint,
    token_endpoint: server.tokenEndpoint,
    registration_endpoint: server.registrationEndpoint,
    revocation_endpoint: server.revocationEndpoint,
    token_endpoint_auth_methods_supported: server.tokenEndpointAuthMethods,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
  };
}

/**
 * An unauthenticated MCP request, as a client without a token makes it: the 401 challenge may
 * point at the resource metadata and name the scope the server wants. A server may let
 * `initialize` through without a token and challenge only the calls after it, so a `tools/list`
 * is tried too before going without a challenge.
 */
async function readChallenge(
  url: URL,
  fetchFn: FetchLike,
): Promise<{ resourceMetadataUrl?: URL; scope?: string }> {
  const initialize = {
    method: 'initialize',
    params: {
      protocolVersion: LATEST_PROTOCOL_VERSION,
      capabilities: {},
      clientInfo: { name: 'splattr-companion', version: '1' },
    },
  };
  for (const request of [initialize, { method: 'tools/list', params: {} }]) {
    const response = await fetchFn(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 0, ...request }),
    });
    await response.body?.cancel();
    if (response.status === 401) {
      const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(response);
      return { resourceMetadataUrl, scope };
    }
  }
  return {};
}

/** The challenge's metadata URL first, then the well-known URLs (path-aware, then root). */
async function readResourceMetadata(
  url: URL,
  fromChallenge: URL | undefined,
  fetchFn: FetchLike,
): Promise<OAuthProtectedResourceMetadata> {
  const candidates = fromChallenge ? [fromChallenge, undefined] : [undefined];
  for (const resourceMetadataUrl of candidates) {
    try {
      return await discoverOAuthProtectedResourceMetadata(url, { resourceMetadataUrl }, fetchFn);
    } catch (error) {
      if (error instanceof CompanionError) throw error;
      // Missing or unreadable here: the next candidate may still answer.
    }
  }
  throw unsupported('The server does not publish the sign-in metadata desktop apps need.');
}

async function readAuthorizationServerMetadata(
  issuer: string,
  fetchFn: FetchLike,
): Promise<AuthorizationServerMetadata> {
  let metadata: AuthorizationServerMetadata | undefined;
  try {
    metadata = await discoverAuthorizationServerMetadata(issuer, { fetchFn });
  } catch (error) {
    if (error instanceof CompanionError) throw error;
    throw unsupported('The sign-in server’s metadata could not be read.');
  }
  if (!metadata) throw unsupported('The sign-in server does not publish its metadata.');
  // RFC 8414 §3.3, which the SDK leaves to its caller: metadata that names another issuer may
  // have been planted, and everything after this point trusts it.
  if (!sameIssuer(metadata.issuer, issuer)) {
    throw unsupported('The sign-in server’s metadata names a different server.');
  }
  // The spec: a client MUST refuse to proceed when S256 is not advertised (absent included).
  if (!metadata.code_challenge_methods_supported?.includes('S256')) {
    throw new CompanionError('server_unsupported');
  }
  if (!metadata.response_types_supported.includes('code')) {
    throw unsupported('The sign-in server does not offer the authorization code flow.');
  }
  return metadata;
}

/** Issuers compare as URLs, tolerating only a trailing "/" (as the SDK does for its own binding). */
function sameIssuer(a: string, b: string): boolean {
  const strip = (value: string) => {
    try {
      return new URL(value).href.replace(/\/$/, '');
    } catch {
      return value;
    }
  };
  return strip(a) === strip(b);
}

/**
 * The spec's order: the challenge's `scope` (authoritative), else the resource's
 * `scopes_supported`, else none (the parameter is then omitted: an empty string). The optional
 * scopes are added only when the authorization server lists them: asking a server for a scope
 * it does not know may fail the whole request.
 */
function chooseScope(
  challengeScope: string | undefined,
  resourceMetadata: OAuthProtectedResourceMetadata,
  metadata: AuthorizationServerMetadata,
): string {
  const requested = challengeScope ?? resourceMetadata.scopes_supported?.join(' ') ?? '';
  const offered = metadata.scopes_supported ?? [];
  return mergeScopes(requested, OPTIONAL_SCOPES.filter((s) => offered.includes(s)).join(' '));
}

const optionalString = (value: unknown) => (typeof value === 'string' ? value : undefined);
const optionalStrings = (value: unknown) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? (value as string[])
    : undefined;
