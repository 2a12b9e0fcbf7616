import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { NextFunction, Request, Response } from 'express';
import type Provider from 'oidc-provider';

export type AuthenticatedRequest = Request & { auth?: AuthInfo };

/** What the tools learn about the caller; only present for a live token of a live grant. */
export interface CallerExtra {
  accountId: string;
}

/**
 * Checks the bearer token of every MCP request against the authorization server in-process,
 * so a revoked grant fails on the very next call. Written here rather than the SDK's
 * `requireBearerAuth` because the tool-auth-errors mode must let a bad token through to the
 * tools, and a request without any token must get a challenge without an error code (RFC 6750).
 */
export function bearerAuth(options: {
  provider: Provider;
  mcpUrl: string;
  resourceMetadataUrl: string;
  toolAuthErrors: boolean;
}) {
  const { mcpUrl, resourceMetadataUrl } = options;

  const verify = async (token: string): Promise<AuthInfo | undefined> => {
    // Read per request: the sandbox can move the resource to another authorization server.
    const { provider } = options;
    const accessToken = await provider.AccessToken.find(token);
    if (!accessToken?.accountId || !accessToken.grantId || !accessToken.clientId) return undefined;
    const audiences = [accessToken.aud].flat();
    if (!audiences.includes(mcpUrl)) return undefined;
    if (!(await provider.Grant.find(accessToken.grantId))) return undefined;
    const extra: CallerExtra = { accountId: accessToken.accountId };
    return {
      token,
      clientId: accessToken.clientId,
      scopes: (accessToken.scope ?? '').split(' ').filter(Boolean),
      expiresAt: accessToken.exp,
      resource: new URL(mcpUrl),
      extra: { ...extra },
    };
  };

  return async (req: AuthenticatedRequest, res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!header) {
      challenge(res, `Bearer resource_metadata="${resourceMetadataUrl}"`, {
        error_description: 'Sign in to use Splattr.',
      });
      return;
    }
    const auth = match?.[1] ? await verify(match[1]) : undefined;
    if (auth) {
      req.auth = auth;
      next();
      return;
    }
    if (options.toolAuthErrors && match) {
      next();
      return;
    }
    challenge(
      res,
      `Bearer error="invalid_token", error_description="${INVALID}", resource_metadata="${resourceMetadataUrl}"`,
      { error: 'invalid_token', error_description: INVALID },
    );
  };
}

const INVALID = 'The access token is invalid, expired or revoked';

function challenge(res: Response, header: string, body: Record<string, string>): void {
  res.status(401).set('WWW-Authenticate', header).json(body);
}
