import { registerClient } from '@modelcontextprotocol/sdk/client/auth.js';
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { CompanionError } from '../../shared/errors';
import { utcTimestamp } from '../utcTimestamp';
import { sdkMetadata } from './discovery';
import { signInFetch, type FetchLike } from './http';
import { requireSecureUrl } from './secureUrl';
export type { ObtainedClient } from './types';
import {
  TokenEndpointAuthMethodSchema,
  type ClientRegistration,
  type ObtainedClient,
  type OAuthServerInfo,
  type TokenEndpointAuthMethod,
} from './types';

/**
 * The redirect URI we register. RFC 8252 §7.3: the server ignores the port of a loopback
 * redirect, so one registration serves every ephemeral port the loopback server gets
 * (oidc-provider does so for `application_type: native`).
 */
export const LOOPBACK_REDIRECT_URI = 'http://127.0.0.1/callback';

export interface ClientChoice {
  /** Names the target, e.g. "Splattr Companion for Claude Desktop"; shown on the consent page. */
  clientName: string;
  /** A registration kept from an earlier sign-in. */
  kept?: ObtainedClient;
  /** A client id (and secret) the person got from their Splattr administrator. */
  preRegistered?: { clientId: string; clientSecret?: string };
  /** Where our Client ID Metadata Document is served: the client id CIMD servers get. */
  clientMetadataUrl?: string;
  fetch?: FetchLike;
  signal?: AbortSignal;
}

/**
 * The client id for this sign-in, in the order the MCP spec (2026-07-28, client registration)
 * gives: pre-registered, else a kept registration the same authorization server issued, else
 * our metadata document's URL when the server supports CIMD, else dynamic registration.
 * Credentials are bound to the issuer that issued them: after the protected resource moved to
 * another authorization server, a dynamic registration is made anew there, and pre-registered
 * credentials are refused with a sentence (they cannot be made anew by us).
 */
export async function obtainClient(
  server: OAuthServerInfo,
  choice: ClientChoice,
): Promise<ObtainedClient> {
  const { kept, preRegistered } = choice;
  if (preRegistered) return preRegisteredClient(server, preRegistered, choice.clientName);
  if (kept && reusable(kept.registration, server, choice.clientMetadataUrl)) return kept;
  if (kept?.registration.kind === 'preregistered') throw preRegisteredElsewhere();
  return registerAnew(server, choice);
}

/** CIMD when the server supports it, else DCR, else a sentence saying what the person can do. */
export async function registerAnew(
  server: OAuthServerInfo,
  choice: ClientChoice,
): Promise<ObtainedClient> {
  if (server.clientIdMetadataDocumentSupported && choice.clientMetadataUrl) {
    return { registration: metadataDocumentClient(server, choice) };
  }
  if (server.registrationEndpoint) return registerNativeClient(server, choice);
  throw new CompanionError(
    'server_unsupported',
    'This Splattr server offers desktop apps no way to register (neither client metadata documents nor dynamic registration). Ask your Splattr administrator for a client ID, then enter it in Settings (or add with --client-id).',
  );
}

function reusable(
  registration: ClientRegistration,
  server: OAuthServerInfo,
  clientMetadataUrl: string | undefined,
): boolean {
  // A metadata document's URL is portable across authorization servers (the spec says so).
  if (registration.kind === 'cimd') {
    return (
      server.clientIdMetadataDocumentSupported === true &&
      registration.clientId === clientMetadataUrl
    );
  }
  return registration.issuer === server.issuer;
}

const preRegisteredElsewhere = () =>
  new CompanionError(
    'sign_in_failed',
    'Splattr now signs in at another sign-in server than the one your client ID was registered with. Ask your Splattr administrator for a client ID there, then enter it in Settings (or add with --client-id).',
  );

function preRegisteredClient(
  server: OAuthServerInfo,
  given: { clientId: string; clientSecret?: string },
  clientName: string,
): ObtainedClient {
  return {
    registration: {
      clientId: given.clientId,
      redirectUris: [LOOPBACK_REDIRECT_URI],
      clientName,
      registeredAt: utcTimestamp(),
      issuer: server.issuer,
      kind: 'preregistered',
      tokenEndpointAuthMethod: given.clientSecret ? secretMethod(server) : 'none',
    },
    clientSecret: given.clientSecret,
  };
}

/** A secret goes where the server takes it; RFC 8414 makes Basic the default when unlisted. */
function secretMethod(server: OAuthServerInfo): TokenEndpointAuthMethod {
  const offered = server.tokenEndpointAuthMethods;
  if (
    offered &&
    !offered.includes('client_secret_basic') &&
    offered.includes('client_secret_post')
  ) {
    return 'client_secret_post';
  }
  return 'client_secret_basic';
}

function metadataDocumentClient(server: OAuthServerInfo, choice: ClientChoice): ClientRegistration {
  const url = requireSecureUrl(
    choice.clientMetadataUrl ?? '',
    'The client metadata document address',
    'invalid_input',
  );
  return {
    clientId: url.href,
    redirectUris: [LOOPBACK_REDIRECT_URI],
    clientName: choice.clientName,
    registeredAt: utcTimestamp(),
    issuer: server.issuer,
    kind: 'cimd',
    tokenEndpointAuthMethod: 'none',
  };
}

/**
 * RFC 7591 dynamic registration of a native client: public when the server allows it, else
 * with the secret the server issues (kept in the keychain by the caller).
 */
export async function registerNativeClient(
  server: OAuthServerInfo,
  options: Pick<ClientChoice, 'clientName' | 'fetch' | 'signal'>,
): Promise<ObtainedClient> {
  const offered = server.tokenEndpointAuthMethods;
  const wanted: TokenEndpointAuthMethod =
    !offered || offered.includes('none') ? 'none' : secretMethod(server);
  // A variable, not a literal in the call: the SDK's type lacks RFC 8252's `application_type`,
  // which it sends on unchanged. No `scope`: a registration limited to today's scope would
  // refuse a later step-up.
  const clientMetadata = {
    client_name: options.clientName,
    redirect_uris: [LOOPBACK_REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: wanted,
    application_type: 'native',
  };
  try {
    const registered = await registerClient(server.issuer, {
      metadata: sdkMetadata(server),
      clientMetadata,
      fetchFn: signInFetch(options.fetch, options.signal),
    });
    const method = TokenEndpointAuthMethodSchema.safeParse(registered.token_endpoint_auth_method);
    const clientSecret = registered.client_secret || undefined;
    return {
      registration: {
        clientId: registered.client_id,
        redirectUris: registered.redirect_uris.length
          ? registered.redirect_uris
          : [LOOPBACK_REDIRECT_URI],
        clientName: registered.client_name ?? options.clientName,
        registeredAt: utcTimestamp(),
        issuer: server.issuer,
        kind: 'dcr',
        tokenEndpointAuthMethod: method.success
          ? method.data
          : clientSecret
            ? secretMethod(server)
            : 'none',
      },
      clientSecret,
    };
  } catch (error) {
    if (error instanceof CompanionError) throw error;
    const reason = error instanceof OAuthError ? ` (${error.errorCode})` : '';
    throw new CompanionError(
      'sign_in_failed',
      `Splattr refused to register Splattr Companion${reason}. Please try again, or contact Splattr support.`,
    );
  }
}
