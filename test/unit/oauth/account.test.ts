import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { readAccount } from '../../../src/core/oauth/account';
import type { FetchLike } from '../../../src/core/oauth/http';
import type { OAuthServerInfo } from '../../../src/core/oauth/types';
import { companionError } from '../../helpers/companionError';

const ISSUER = 'https://auth.splattr.example';
const CLIENT_ID = 'companion-client';
const NONCE = 'nonce-0123456789';

const server: OAuthServerInfo = {
  serverUrl: 'https://mcp.splattr.example/mcp',
  resource: 'https://mcp.splattr.example/mcp',
  issuer: ISSUER,
  authorizationEndpoint: `${ISSUER}/authorize`,
  tokenEndpoint: `${ISSUER}/token`,
  jwksUri: `${ISSUER}/jwks`,
  userinfoEndpoint: `${ISSUER}/me`,
  scope: 'openid email',
};

let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let jwks: unknown;
beforeAll(async () => {
  keys = await generateKeyPair('RS256');
  jwks = { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256' }] };
});

/** The server: its keys, and a userinfo answer (or none). */
function serverFetch(userinfo?: Record<string, unknown>): FetchLike {
  return async (input) => {
    const url = String(input);
    if (url === server.jwksUri) return Response.json(jwks);
    if (url === server.userinfoEndpoint && userinfo) return Response.json(userinfo);
    return new Response(null, { status: 404 });
  };
}

async function idToken(claims: JWTPayload, omit: string[] = []): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = {
    iss: ISSUER,
    aud: CLIENT_ID,
    sub: 'user-1',
    iat: now,
    exp: now + 300,
    nonce: NONCE,
    email: 'ada@splattr.example',
    ...claims,
  };
  for (const name of omit) delete payload[name];
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(keys.privateKey);
}

const read = (id_token: string | undefined, fetch: FetchLike, info = server) =>
  readAccount(
    { access_token: 'access', token_type: 'Bearer', ...(id_token ? { id_token } : {}) },
    { server: info, clientId: CLIENT_ID, nonce: NONCE, fetch },
  );

describe('who signed in', () => {
  it('reads the account from a verified ID token', async () => {
    expect(await read(await idToken({ name: 'Ada' }), serverFetch())).toEqual({
      email: 'ada@splattr.example',
      name: 'Ada',
    });
  });

  it('refuses an ID token without exp, iat or sub', async () => {
    for (const missing of ['exp', 'iat', 'sub']) {
      const error = await companionError(read(await idToken({}, [missing]), serverFetch()));
      expect(error.message).toContain('could not be verified');
    }
  });

  it('with several audiences, requires azp to name this app', async () => {
    const audiences = { aud: [CLIENT_ID, 'another-app'] };
    await expect(read(await idToken(audiences), serverFetch())).rejects.toThrow(
      'could not be verified',
    );
    await expect(
      read(await idToken({ ...audiences, azp: 'another-app' }), serverFetch()),
    ).rejects.toThrow('could not be verified');
    expect((await read(await idToken({ ...audiences, azp: CLIENT_ID }), serverFetch())).email).toBe(
      'ada@splattr.example',
    );
  });

  it('accepts only the signing algorithms the server lists', async () => {
    const onlyEs256 = { ...server, idTokenSigningAlgs: ['ES256'] };
    await expect(read(await idToken({}), serverFetch(), onlyEs256)).rejects.toThrow(
      'could not be verified',
    );
  });

  it('takes userinfo when the ID token has no email, only for the same subject', async () => {
    const noEmail = await idToken({ email: undefined });
    expect(
      await read(noEmail, serverFetch({ sub: 'user-1', email: 'ada@splattr.example' })),
    ).toEqual({ email: 'ada@splattr.example' });
    await expect(
      read(noEmail, serverFetch({ sub: 'someone-else', email: 'eve@splattr.example' })),
    ).rejects.toThrow('could not be verified');
  });

  it('is empty, not an error, when the server shares nothing', async () => {
    expect(await read(undefined, serverFetch())).toEqual({});
    const noUserinfo = { ...server, userinfoEndpoint: undefined, jwksUri: undefined };
    expect(await read(undefined, serverFetch(), noUserinfo)).toEqual({});
  });
});
