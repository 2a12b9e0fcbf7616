import { randomBytes } from 'node:crypto';
import {
  exchangeAuthorization,
  startAuthorization,
} from '@modelcontextprotocol/sdk/client/auth.js';
import {
  InvalidClientError,
  UnauthorizedClientError,
} from '@modelcontextprotocol/sdk/server/auth/errors.js';
import type { OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';
import { CompanionError } from '../../shared/errors';
import { readAccount } from './account';
import { discoverServer, sdkMetadata } from './discovery';
import { signInFetch, type FetchLike } from './http';
import { AuthorizationResponseError, startLoopbackRedirect } from './loopback';
import {
  LOOPBACK_REDIRECT_URI,
  obtainClient,
  registerAnew,
  type ClientChoice,
} from './registration';
import {
  clientInformationOf,
  toTokenSet,
  type ObtainedClient,
  type ClientRegistration,
  type OAuthServerInfo,
  type SignInResult,
} from './types';

export interface SignInOptions {
  serverUrl: string;
  /** Registered as `client_name`, e.g. "Splattr Companion for Claude Desktop". */
  clientName: string;
  /** Opens the authorization URL (Electron's shell.openExternal, or the system opener). */
  openBrowser: (url: string) => Promise<void>;
  /** Always called with the authorization URL before the browser opens, to show or copy. */
  onAuthorizationUrl?: (url: string) => void;
  signal?: AbortSignal;
  /** How long to wait for the browser; 5 minutes by default. */
  timeoutMs?: number;
  /**
   * A registration kept from an earlier sign-in: reused with the issuer that issued it, replaced
   * when the server no longer knows it or the resource moved to another authorization server.
   */
  registration?: ClientRegistration;
  /** The kept registration's secret (from the keychain). */
  clientSecret?: string;
  /** A client id (and secret) the person was given: used before anything else. */
  preRegistered?: { clientId: string; clientSecret?: string };
  /** Our Client ID Metadata Document's URL, for servers that support CIMD. */
  clientMetadataUrl?: string;
  /** A connection's stored server info, to skip discovery. */
  server?: OAuthServerInfo;
  /** Overrides the discovered scope, for one step-up sign-in (see stepUpScope). */
  scope?: string;
  fetch?: FetchLike;
}

/** The server no longer knows the registration (deleted, expired): register again. */
class RegistrationRejectedError extends CompanionError {
  constructor() {
    super(
      'sign_in_failed',
      'Splattr did not accept this app’s registration. Please try again, or contact Splattr support.',
    );
  }
}

const REGISTRATION_ERRORS = new Set(['invalid_client', 'unauthorized_client']);

/**
 * OAuth 2.0 for native apps as the MCP authorization spec (2025-11-25 and 2026-07-28) describes
 * it: discovery, a client id (pre-registered, CIMD or dynamic registration; see obtainClient),
 * PKCE S256, `state`, `iss`, the RFC 8707 `resource`, a loopback redirect, the code exchange
 * with the token endpoint authentication the registration calls for, and the account when the
 * server shares it.
 *
 * A registration the server rejects (`invalid_client` / `unauthorized_client` at the
 * authorization or token endpoint: deleted, expired) is replaced by a new one and the sign-in
 * retried once, with no question to the person; a pre-registered client id cannot be replaced,
 * so its rejection is the error. The caller keeps `result.registration` and its secret.
 */
export async function signIn(options: SignInOptions): Promise<SignInResult> {
  const discoverOptions = { fetch: options.fetch, signal: options.signal };
  const server = options.server ?? (await discoverServer(options.serverUrl, discoverOptions));
  const choice: ClientChoice = {
    clientName: options.clientName,
    kept: options.registration
      ? { registration: options.registration, clientSecret: options.clientSecret }
      : undefined,
    preRegistered: options.preRegistered,
    clientMetadataUrl: options.clientMetadataUrl,
    ...discoverOptions,
  };
  const client = await obtainClient(server, choice);
  try {
    // A registration made a moment ago in this sign-in cannot have been deleted: no check.
    const justRegistered = client !== choice.kept && client.registration.kind === 'dcr';
    return await authorize(server, client, options, !justRegistered);
  } catch (error) {
    if (!(error instanceof RegistrationRejectedError)) throw error;
    const { kind } = client.registration;
    if (kind === 'preregistered') {
      throw new CompanionError(
        'sign_in_failed',
        'Splattr did not accept the client ID (or its secret) from Settings or --client-id. Check them with your Splattr administrator.',
      );
    }
    // A rejected metadata document is not fixed by presenting it again: register instead.
    const fresh = await registerAnew(server, {
      ...choice,
      clientMetadataUrl: kind === 'cimd' ? undefined : choice.clientMetadataUrl,
    });
    return authorize(server, fresh, options, fresh.registration.kind !== 'dcr');
  }
}

async function authorize(
  server: OAuthServerInfo,
  client: ObtainedClient,
  options: SignInOptions,
  checkFirst: boolean,
): Promise<SignInResult> {
  const { registration, clientSecret } = client;
  const fetchFn = signInFetch(options.fetch, options.signal);
  const metadata = sdkMetadata(server);
  const clientInformation = clientInformationOf(client);
  const scope = options.scope ?? server.scope;
  // `state` and `nonce` are ours to make: the SDK takes `state` as given and knows no `nonce`.
  const state = randomBytes(32).toString('base64url');
  const nonce = randomBytes(32).toString('base64url');
  const registeredRedirect = new URL(registration.redirectUris[0] ?? LOOPBACK_REDIRECT_URI);

  const loopback = await startLoopbackRedirect({
    state,
    issuer: server.issuer,
    requireIssuer: server.issParameterSupported,
    path: registeredRedirect.pathname,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  try {
    const { authorizationUrl, codeVerifier } = await startAuthorization(server.issuer, {
      metadata,
      clientInformation,
      redirectUrl: loopback.redirectUri,
      scope: scope || undefined,
      state,
      resource: server.resource,
    });
    if (scope.split(' ').includes('openid')) authorizationUrl.searchParams.set('nonce', nonce);
    if (checkFirst)
      await checkAuthorizationRequest(authorizationUrl, loopback.redirectUri, fetchFn);

    const url = authorizationUrl.href;
    options.onAuthorizationUrl?.(url);
    // Not awaited, and its failure is not the sign-in's: the link stays available to copy.
    Promise.resolve()
      .then(() => options.openBrowser(url))
      .catch(() => undefined);

    const code = await loopback.code.catch((error: unknown) => {
      if (
        error instanceof AuthorizationResponseError &&
        REGISTRATION_ERRORS.has(error.oauthError)
      ) {
        throw new RegistrationRejectedError();
      }
      throw error;
    });
    const tokens = await exchangeCode(server, clientInformation, {
      code,
      codeVerifier,
      redirectUri: loopback.redirectUri,
      fetchFn,
    });
    const account = await readAccount(tokens, {
      server,
      clientId: registration.clientId,
      nonce,
      fetch: fetchFn,
    });
    // The connection keeps the scope it signed in for: a step-up's wider one included.
    return {
      server: { ...server, scope },
      registration,
      clientSecret,
      tokens: toTokenSet(tokens, Date.now(), scope || undefined),
      account,
    };
  } finally {
    await loopback.close();
  }
}

/**
 * Asks the authorization endpoint, without a browser and without following redirects, whether
 * it accepts this request. An authorization server does not redirect an unknown client back
 * (RFC 6749 §4.1.2.1): it shows the person an error page, and the loopback would wait in vain.
 * Catching that here lets a deleted registration be replaced before the browser opens. Without
 * cookies the server cannot sign anyone in, so this request grants nothing.
 */
async function checkAuthorizationRequest(
  authorizationUrl: URL,
  redirectUri: string,
  fetchFn: FetchLike,
): Promise<void> {
  const response = await fetchFn(authorizationUrl, { redirect: 'manual' });
  await response.body?.cancel();
  if (response.status >= 400) throw new RegistrationRejectedError();
  const location = response.headers.get('location');
  if (!location) return;
  const target = new URL(location, authorizationUrl);
  const error = target.searchParams.get('error');
  if (!target.href.startsWith(redirectUri) || !error) return;
  if (REGISTRATION_ERRORS.has(error)) throw new RegistrationRejectedError();
  throw new CompanionError(
    'sign_in_failed',
    `Splattr refused the sign-in request (${error}). Please try again, or contact Splattr support.`,
  );
}

async function exchangeCode(
  server: OAuthServerInfo,
  clientInformation: ReturnType<typeof clientInformationOf>,
  request: { code: string; codeVerifier: string; redirectUri: string; fetchFn: FetchLike },
): Promise<OAuthTokens> {
  try {
    return await exchangeAuthorization(server.issuer, {
      metadata: sdkMetadata(server),
      clientInformation,
      authorizationCode: request.code,
      codeVerifier: request.codeVerifier,
      redirectUri: request.redirectUri,
      resource: server.resource,
      fetchFn: request.fetchFn,
    });
  } catch (error) {
    if (error instanceof CompanionError) throw error;
    if (error instanceof InvalidClientError || error instanceof UnauthorizedClientError) {
      throw new RegistrationRejectedError();
    }
    // The SDK's message may quote the response; the person gets our sentence only.
    throw new CompanionError('sign_in_failed');
  }
}
