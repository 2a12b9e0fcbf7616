import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { registerNativeClient } from '../../../src/sandbox/signInOverHttp';
import { completeSignIn, withBrowser } from '../../helpers/browser';
import { connectMcp, postWithToken, toolText, withSandbox } from '../../helpers/sandbox';

const DEMO = { email: 'demo@splattr.test', password: 'demo' };
const REDIRECT = 'http://127.0.0.1:49152/callback';

async function tokenRequest(origin: string, fields: Record<string, string>) {
  const response = await fetch(new URL('/token', origin), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function authorizationUrl(
  origin: string,
  mcpUrl: string,
  clientId: string,
  verifier?: string,
): URL {
  const url = new URL('/auth', origin);
  const params: Record<string, string> = {
    client_id: clientId,
    redirect_uri: REDIRECT,
    response_type: 'code',
    scope: 'openid email profile',
    state: randomBytes(8).toString('hex'),
    resource: mcpUrl,
  };
  if (verifier) {
    params.code_challenge = createHash('sha256').update(verifier).digest('base64url');
    params.code_challenge_method = 'S256';
  }
  url.search = new URLSearchParams(params).toString();
  return url;
}

describe('tokens at the sandbox token endpoint', () => {
  const sandbox = withSandbox();
  const browser = withBrowser();

  it('refuses an authorization request without a PKCE challenge', async () => {
    const { origin, mcpUrl } = sandbox();
    const clientId = await registerNativeClient(origin, 'No PKCE client', REDIRECT);
    const response = await fetch(authorizationUrl(origin, mcpUrl, clientId), {
      redirect: 'manual',
    });
    const location = new URL(response.headers.get('location') ?? '', origin);
    expect(location.href.startsWith(REDIRECT)).toBe(true);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('rejects a code exchanged without the PKCE verifier or with a wrong one, and accepts the right one', async () => {
    const { origin, mcpUrl } = sandbox();
    const clientId = await registerNativeClient(origin, 'PKCE client', REDIRECT);
    const verifier = randomBytes(32).toString('base64url');
    const callback = await completeSignIn(
      browser(),
      authorizationUrl(origin, mcpUrl, clientId, verifier).href,
      {
        ...DEMO,
        consent: 'allow',
      },
    );
    const code = callback.searchParams.get('code');
    expect(code).toBeTruthy();
    const exchange = {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: REDIRECT,
      client_id: clientId,
    };

    const withoutVerifier = await tokenRequest(origin, exchange);
    expect(withoutVerifier.status).toBe(400);
    expect(withoutVerifier.body.access_token).toBeUndefined();

    const wrongVerifier = await tokenRequest(origin, {
      ...exchange,
      code_verifier: randomBytes(32).toString('base64url'),
    });
    expect(wrongVerifier.status).toBe(400);
    expect(wrongVerifier.body.error).toBe('invalid_grant');

    const right = await tokenRequest(origin, { ...exchange, code_verifier: verifier });
    expect(right.status).toBe(200);
    expect(right.body).toMatchObject({ token_type: 'Bearer', scope: 'openid email profile' });
    expect(typeof right.body.refresh_token).toBe('string');
    // The access token belongs to the MCP resource, so the account comes with the ID token.
    const [, payload] = String(right.body.id_token).split('.');
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({
      iss: origin,
      aud: clientId,
      email: DEMO.email,
      email_verified: true,
      name: 'Demo User',
      organization: 'Acme',
    });
  });

  it('supports only the S256 PKCE method', async () => {
    const { origin, mcpUrl } = sandbox();
    const clientId = await registerNativeClient(origin, 'Plain PKCE client', REDIRECT);
    const url = authorizationUrl(origin, mcpUrl, clientId);
    url.searchParams.set('code_challenge', randomBytes(32).toString('base64url'));
    url.searchParams.set('code_challenge_method', 'plain');
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '', origin);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('rotates refresh tokens, rejects the old one, and revokes the grant when it is reused', async () => {
    const { origin, mcpUrl, controls } = sandbox();
    const first = await controls.issueTokens({ email: DEMO.email, clientName: 'Rotation client' });
    const refresh = (refreshToken: string) =>
      tokenRequest(origin, {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: first.clientId,
      });

    const second = await refresh(first.refreshToken);
    expect(second.status).toBe(200);
    const rotated = second.body.refresh_token as string;
    expect(rotated).toEqual(expect.any(String));
    expect(rotated).not.toBe(first.refreshToken);

    const client = await connectMcp(mcpUrl, second.body.access_token as string);
    const whoami = JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(whoami.email).toBe(DEMO.email);
    await client.close();

    const reused = await refresh(first.refreshToken);
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe('invalid_grant');
    // Reuse means the old token leaked, so the whole grant goes, the rotated token with it.
    expect((await refresh(rotated)).body.error).toBe('invalid_grant');
    const grants = await controls.listGrants(DEMO.email);
    expect(grants.map((grant) => grant.clientId)).not.toContain(first.clientId);
  });

  it('revokes the grant when the refresh token is revoked (RFC 7009), so its access token stops working', async () => {
    const { origin, mcpUrl, controls } = sandbox();
    const tokens = await controls.issueTokens({
      email: DEMO.email,
      clientName: 'Revocation client',
    });
    const response = await fetch(new URL('/token/revocation', origin), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: tokens.refreshToken,
        token_type_hint: 'refresh_token',
        client_id: tokens.clientId,
      }),
    });
    expect(response.status).toBe(200);
    const call = await postWithToken(mcpUrl, tokens.accessToken);
    expect(call.status).toBe(401);
    const grants = await controls.listGrants(DEMO.email);
    expect(grants.map((grant) => grant.clientId)).not.toContain(tokens.clientId);
  });
});

describe('short-lived access tokens', () => {
  const sandbox = withSandbox({ accessTokenTtl: 4 });

  it('an expired access token is answered with 401 invalid_token, and a refresh brings access back', async () => {
    const { origin, mcpUrl, controls } = sandbox();
    const tokens = await controls.issueTokens({ email: DEMO.email });
    expect(tokens.expiresIn).toBe(4);
    await new Promise((resolve) => setTimeout(resolve, 5_100));
    const expired = await postWithToken(mcpUrl, tokens.accessToken);
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');

    const refreshed = await tokenRequest(origin, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
      client_id: tokens.clientId,
    });
    expect(refreshed.status).toBe(200);
    const initialize = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${refreshed.body.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-06-18',
          capabilities: {},
          clientInfo: { name: 't', version: '1' },
        },
      }),
    });
    expect(initialize.status).toBe(200);
    expect(initialize.headers.get('mcp-session-id')).toBeTruthy();
  });
});
