import { describe, expect, it } from 'vitest';
import { postWithToken, withSandbox } from '../../helpers/sandbox';

const getJson = async (url: string) => {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
};

const register = (origin: string, metadata: Record<string, unknown>) =>
  fetch(new URL('/reg', origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(metadata),
  });

const NATIVE = {
  client_name: 'Splattr Companion for Cursor',
  application_type: 'native',
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
};

describe('sandbox discovery documents', () => {
  const sandbox = withSandbox();

  it('serves the same authorization server metadata at the RFC 8414 and OpenID paths', async () => {
    const { origin, issuer } = sandbox();
    const rfc8414 = await getJson(`${origin}/.well-known/oauth-authorization-server`);
    const openid = await getJson(`${origin}/.well-known/openid-configuration`);
    expect(rfc8414).toEqual(openid);
    expect(rfc8414).toMatchObject({
      issuer,
      code_challenge_methods_supported: ['S256'],
      registration_endpoint: `${origin}/reg`,
      revocation_endpoint: `${origin}/token/revocation`,
      token_endpoint: `${origin}/token`,
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['none'],
    });
    expect(rfc8414.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'email', 'profile']),
    );
    expect(rfc8414.scopes_supported).not.toContain('offline_access');
    expect(rfc8414.grant_types_supported).toEqual(
      expect.arrayContaining(['authorization_code', 'refresh_token']),
    );
  });

  it('serves protected-resource metadata (RFC 9728) at the path and root variants', async () => {
    const { origin, mcpUrl, issuer } = sandbox();
    for (const path of [
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
    ]) {
      expect(await getJson(`${origin}${path}`)).toMatchObject({
        resource: mcpUrl,
        authorization_servers: [issuer],
        scopes_supported: ['openid', 'email', 'profile'],
      });
    }
  });

  it('challenges a call without a token with the metadata URL, and a bad token with invalid_token', async () => {
    const { origin, mcpUrl } = sandbox();
    const anonymous = await fetch(mcpUrl, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    const challenge = anonymous.headers.get('www-authenticate') ?? '';
    expect(challenge).toBe(
      `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
    );
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    expect((await getJson(metadataUrl!)).resource).toBe(mcpUrl);

    const forged = await postWithToken(mcpUrl, 'forged-token');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token", .*resource_metadata="http:\/\/127\.0\.0\.1:\d+\/\.well-known\/oauth-protected-resource\/mcp"$/,
    );
  });
});

describe('dynamic client registration', () => {
  const sandbox = withSandbox();

  it('registers a public native client with a loopback redirect, which may then use any port', async () => {
    const { origin, mcpUrl } = sandbox();
    const response = await register(origin, {
      ...NATIVE,
      redirect_uris: ['http://127.0.0.1:1234/callback'],
    });
    expect(response.status).toBe(201);
    const client = (await response.json()) as Record<string, unknown>;
    expect(client).toMatchObject({
      client_name: 'Splattr Companion for Cursor',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1:1234/callback'],
    });
    expect(client.client_id).toEqual(expect.any(String));
    expect(client.client_secret).toBeUndefined();

    const authorize = new URL('/auth', origin);
    authorize.search = new URLSearchParams({
      client_id: client.client_id as string,
      redirect_uri: 'http://127.0.0.1:54321/callback',
      response_type: 'code',
      scope: 'openid email profile',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      resource: mcpUrl,
    }).toString();
    const started = await fetch(authorize, { redirect: 'manual' });
    expect(started.status).toBe(303);
    expect(started.headers.get('location')).toMatch(/^\/interaction\//);
  });

  it('refuses a native client whose redirect URI is not loopback or custom-scheme', async () => {
    const response = await register(sandbox().origin, {
      ...NATIVE,
      redirect_uris: ['http://attacker.example/callback'],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_redirect_uri');
  });

  it('refuses an authorization request for a resource other than the MCP server', async () => {
    const { origin } = sandbox();
    const redirect = 'http://127.0.0.1/callback';
    const client = (await (
      await register(origin, { ...NATIVE, redirect_uris: [redirect] })
    ).json()) as {
      client_id: string;
    };
    const authorize = new URL('/auth', origin);
    authorize.search = new URLSearchParams({
      client_id: client.client_id,
      redirect_uri: redirect,
      response_type: 'code',
      scope: 'openid email profile',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      resource: 'http://127.0.0.1:1/other-api',
    }).toString();
    const response = await fetch(authorize, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? '', origin);
    expect(location.searchParams.get('error')).toBe('invalid_target');
  });
});
