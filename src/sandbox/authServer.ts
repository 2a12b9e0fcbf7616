import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { AccountStore } from './accounts';
import { messagePage } from './pages';
import type { OidcStore } from './oidcStore';

export const SCOPES = ['openid', 'email', 'profile'] as const;
const SCOPE = SCOPES.join(' ');
const DAY = 24 * 60 * 60;

export interface AuthServerOptions {
  issuer: string;
  mcpUrl: string;
  accessTokenTtl: number;
  accounts: AccountStore;
  store: OidcStore;
}

/**
 * Splattr's authorization server, on oidc-provider: open dynamic registration for public native
 * clients, PKCE S256, refresh tokens without offline_access, and opaque access tokens bound to
 * the MCP resource so the MCP server can look each one up (and see a revoke at once).
 */
export async function createAuthServer(options: AuthServerOptions): Promise<Provider> {
  const { mcpUrl, accounts } = options;
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
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
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
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
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
    clientAuthMethods: ['none'],
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
  // RFC 8414 clients look here; oidc-provider only serves the OpenID discovery path.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/.well-known/oauth-authorization-server') {
      ctx.path = '/.well-known/openid-configuration';
    }
    return next();
  });
  return provider;
}
