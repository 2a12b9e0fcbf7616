import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AccountStore } from './accounts';
import { messagePage } from './pages';
import type { OidcStore } from './oidcStore';

export const SCOPES = ['openid', 'email', 'profile'] as const;
const SCOPE = SCOPES.join(' ');
const DAY = 24 * 60 * 60;

export type RegistrationMode = 'dcr' | 'cimd' | 'both';
export type ClientAuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';

/** A client registered by an administrator, as a deployment without self-registration has. */
export interface PreRegisteredClient {
  clientId: string;
  /** Absent for `none`. */
  clientSecret?: string;
  method: ClientAuthMethod;
}

export interface AuthServerOptions {
  issuer: string;
  mcpUrl: string;
  accessTokenTtl: number;
  accounts: AccountStore;
  store: OidcStore;
  /** How clients register themselves: dynamic registration, metadata documents, or either. */
  registration?: RegistrationMode;
  /** Its method becomes the only one the token endpoint accepts. */
  preRegistered?: PreRegisteredClient;
  /** false: no ID token and no userinfo, as a plain OAuth server. */
  identity?: boolean;
  /** false: no refresh tokens, ever. */
  refreshTokens?: boolean;
}

/**
 * Splattr's authorization server, on oidc-provider: open dynamic registration for public native
 * clients and/or client metadata documents, PKCE S256, refresh tokens without offline_access,
 * and opaque access tokens bound to the MCP resource so the MCP server can look each one up (and
 * see a revoke at once). The options turn it into the other servers the spec allows.
 */
export async function createAuthServer(options: AuthServerOptions): Promise<Provider> {
  const { mcpUrl, accounts, preRegistered } = options;
  const registration = options.registration ?? 'dcr';
  const identity = options.identity ?? true;
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const signingKey = {
    ...privateKey.export({ format: 'jwk' }),
    kid: 'sandbox',
    use: 'sig',
    alg: 'RS256',
  };

  const configuration: Configuration = {
    adapter: options.store.adapter,
    jwks: { keys: [signingKey] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: [...SCOPES],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'organization'],
    },
    responseTypes: ['code'],
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    },
    ...(preRegistered
      ? {
          clients: [
            {
              client_id: preRegistered.clientId,
              ...(preRegistered.clientSecret ? { client_secret: preRegistered.clientSecret } : {}),
              token_endpoint_auth_method: preRegistered.method,
              application_type: 'native',
              redirect_uris: ['http://127.0.0.1/callback'],
              grant_types: ['authorization_code', 'refresh_token'],
              response_types: ['code'],
            },
          ],
        }
      : {}),
    // Extra discovery fields: the CIMD flag (draft-ietf-oauth-client-id-metadata-document).
    discovery: registration === 'dcr' ? {} : { client_id_metadata_document_supported: true },
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: registration !== 'cimd' },
      revocation: { enabled: true },
      userinfo: { enabled: identity },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => mcpUrl,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== mcpUrl) throw new errors.InvalidTarget();
          return {
            scope: SCOPE,
            audience: mcpUrl,
            accessTokenTTL: options.accessTokenTtl,
            accessTokenFormat: 'opaque',
          };
        },
      },
    },
    pkce: { required: () => true },
    // Splattr's native clients get refresh tokens without asking for offline_access.
    issueRefreshToken: (_ctx, client) =>
      options.refreshTokens !== false && client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: options.accessTokenTtl,
      AuthorizationCode: 60,
      Grant: 30 * DAY,
      Interaction: 60 * 60,
      RefreshToken: 30 * DAY,
      Session: 14 * DAY,
      IdToken: 60 * 60,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: account.id,
        claims: () => ({
          sub: account.id,
          email: account.email,
          email_verified: true,
          name: account.name,
          organization: account.organization,
        }),
      };
    },
    clientAuthMethods: [preRegistered?.method ?? 'none'],
    clientBasedCORS: () => true,
    renderError: (ctx: KoaContextWithOIDC, out) => {
      ctx.type = 'html';
      ctx.body = messagePage(
        'Sign-in problem',
        `${out.error}: ${out.error_description ?? 'the request could not be completed.'}`,
      );
    },
  };

  const provider = new Provider(options.issuer, configuration);
  provider.proxy = false;
  // oidc-provider has no switch for "no ID token": a plain OAuth server's token response.
  if (!identity) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.path === '/token' && ctx.body && typeof ctx.body === 'object') {
        delete (ctx.body as Record<string, unknown>).id_token;
      }
    });
  }
  // RFC 8414 clients look here; oidc-provider only serves the OpenID discovery path.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/.well-known/oauth-authorization-server') {
      ctx.path = '/.well-known/openid-configuration';
    }
    return next();
  });
  return provider;
}
