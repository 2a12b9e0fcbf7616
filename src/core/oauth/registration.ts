import { registerClient } from '@modelcontextprotocol/sdk/client/auth.js';
import { OAuthError } from '@modelcontextprotocol/sdk/server/auth/errors.js';
import { CompanionError } from '../../shared/errors';
import { sdkMetadata } from './discovery';
import { signInFetch, type FetchLike } from './http';
import type { ClientRegistration, OAuthServerInfo } from './types';

/**
 * The redirect URI we register. RFC 8252 §7.3: the server ignores the port of a loopback
 * redirect, so one registration serves every ephemeral port the loopback server gets
 * (oidc-provider does so for `application_type: native`).
 */
export const LOOPBACK_REDIRECT_URI = 'http://127.0.0.1/callback';

export interface RegisterOptions {
  /** Names the target, e.g. "Splattr Companion for Claude Desktop"; shown on the consent page. */
  clientName: string;
  fetch?: FetchLike;
  signal?: AbortSignal;
}

/** RFC 7591 dynamic registration of a public native client. The result is not secret. */
export async function registerNativeClient(
  server: OAuthServerInfo,
  options: RegisterOptions,
): Promise<ClientRegistration> {
  if (!server.registrationEndpoint) {
    throw new CompanionError(
      'server_unsupported',
      'This Splattr server does not let desktop apps register themselves (dynamic client registration). Check the server address in Settings.',
    );
  }
  // A variable, not a literal in the call: the SDK's type lacks RFC 8252's `application_type`,
  // which it sends on unchanged. No `scope`: a registration limited to today's scope would
  // refuse a later step-up.
  const clientMetadata = {
    client_name: options.clientName,
    redirect_uris: [LOOPBACK_REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
  };
  try {
    const registered = await registerClient(server.issuer, {
      metadata: sdkMetadata(server),
      clientMetadata,
      fetchFn: signInFetch(options.fetch, options.signal),
    });
    return {
      clientId: registered.client_id,
      redirectUris: registered.redirect_uris.length
        ? registered.redirect_uris
        : [LOOPBACK_REDIRECT_URI],
      clientName: registered.client_name ?? options.clientName,
      registeredAt: new Date().toISOString(),
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
