import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../../../src/core/oauth/http';
import { refreshTokens } from '../../../src/core/oauth/refresh';
import type { ClientAuthMethod, SandboxOptions } from '../../../src/sandbox';
import { withBrowser } from '../../helpers/browser';
import { companionError } from '../../helpers/companionError';
import { connectMcp, postWithToken, toolText, withSandbox } from '../../helpers/sandbox';
import { signInWithBrowser } from '../../../support/signIn';

// Sign-in against the sandbox turned into the other servers the MCP spec allows.

const DEMO = { email: 'demo@splattr.test', password: 'demo' };
const browser = withBrowser();

interface TokenRequest {
  authorization: string | null;
  body: URLSearchParams;
}

/** A fetch that shows the test every token-endpoint request, as sent. */
function recordingTokenRequests(seen: TokenRequest[]): FetchLike {
  return async (input, init) => {
    if (String(input).endsWith('/token')) {
      seen.push({
        authorization: new Headers(init?.headers).get('authorization'),
        body: new URLSearchParams(String(init?.body ?? '')),
      });
    }
    return fetch(input, init);
  };
}

/** Every authorization URL the sign-in gave out. */
function collect(urls: string[]) {
  return { onAuthorizationUrl: (url: string) => urls.push(url) };
}

async function whoami(mcpUrl: string, accessToken: string): Promise<string> {
  const client = await connectMcp(mcpUrl, accessToken);
  try {
    return toolText(await client.callTool({ name: 'whoami', arguments: {} }));
  } finally {
    await client.close();
  }
}

function sandboxIn(options: SandboxOptions) {
  return withSandbox(options);
}

describe('a server that supports client metadata documents only (CIMD)', () => {
  const sandbox = sandboxIn({ registration: 'cimd' });

  it('signs in with the document URL as client id; no registration request is made', async () => {
    const urls: string[] = [];
    const result = await signInWithBrowser(sandbox(), {
      ...DEMO,
      browser: browser(),
      options: { clientMetadataUrl: sandbox().clientMetadataUrl, ...collect(urls) },
    });
    expect(result.registration).toMatchObject({
      clientId: sandbox().clientMetadataUrl,
      kind: 'cimd',
      issuer: sandbox().issuer,
      tokenEndpointAuthMethod: 'none',
    });
    expect(new URL(urls[0] ?? '').searchParams.get('client_id')).toBe(sandbox().clientMetadataUrl);
    expect(result.server.registrationEndpoint).toBeUndefined();
    expect(await whoami(sandbox().mcpUrl, result.tokens.accessToken)).toContain(DEMO.email);
  });

  it('says what to do when the app has no document to offer and the server cannot register it', async () => {
    let opened = false;
    const error = await companionError(
      signInWithBrowser(sandbox(), {
        ...DEMO,
        browser: browser(),
        options: {
          openBrowser: async () => {
            opened = true;
          },
        },
      }),
    );
    expect(error.code).toBe('server_unsupported');
    expect(error.message).toContain('client ID');
    expect(opened).toBe(false);
  });
});

describe('a server that supports both CIMD and dynamic registration', () => {
  const sandbox = sandboxIn({ registration: 'both' });

  it('prefers the metadata document, as the spec orders', async () => {
    const result = await signInWithBrowser(sandbox(), {
      ...DEMO,
      browser: browser(),
      options: { clientMetadataUrl: sandbox().clientMetadataUrl },
    });
    expect(result.registration.kind).toBe('cimd');
    expect(result.registration.clientId).toBe(sandbox().clientMetadataUrl);
  });
});

describe('a server with dynamic registration only (DCR)', () => {
  const sandbox = sandboxIn({ registration: 'dcr' });

  it('registers a native public client though the app has a metadata document', async () => {
    const result = await signInWithBrowser(sandbox(), {
      ...DEMO,
      browser: browser(),
      options: { clientMetadataUrl: sandbox().clientMetadataUrl },
    });
    expect(result.registration).toMatchObject({
      kind: 'dcr',
      issuer: sandbox().issuer,
      tokenEndpointAuthMethod: 'none',
    });
    expect(result.registration.clientId).not.toBe(sandbox().clientMetadataUrl);
    expect(result.clientSecret).toBeUndefined();
  });
});

const where: Record<ClientAuthMethod, (request: TokenRequest, secret?: string) => void> = {
  none: ({ authorization, body }) => {
    expect(authorization).toBeNull();
    expect(body.get('client_secret')).toBeNull();
    expect(body.get('client_id')).toBe('splattr-companion-none');
  },
  client_secret_basic: ({ authorization, body }, secret) => {
    const [id, given] = Buffer.from((authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    expect([id, given]).toEqual(['splattr-companion-client-secret-basic', secret]);
    expect(body.get('client_secret')).toBeNull();
  },
  client_secret_post: ({ authorization, body }, secret) => {
    expect(authorization).toBeNull();
    expect(body.get('client_id')).toBe('splattr-companion-client-secret-post');
    expect(body.get('client_secret')).toBe(secret);
  },
};

for (const method of ['none', 'client_secret_basic', 'client_secret_post'] as const) {
  describe(`a pre-registered client authenticating with ${method}`, () => {
    const sandbox = sandboxIn({ preRegistered: method });

    it('signs in with the given client id and secret, and refreshes the same way', async () => {
      const given = sandbox().preRegistered;
      if (!given) throw new Error('the sandbox has no pre-registered client');
      const requests: TokenRequest[] = [];
      const urls: string[] = [];
      const result = await signInWithBrowser(sandbox(), {
        ...DEMO,
        browser: browser(),
        options: {
          preRegistered: { clientId: given.clientId, clientSecret: given.clientSecret },
          fetch: recordingTokenRequests(requests),
          ...collect(urls),
        },
      });
      expect(new URL(urls[0] ?? '').searchParams.get('client_id')).toBe(given.clientId);
      expect(result.registration).toMatchObject({
        clientId: given.clientId,
        kind: 'preregistered',
        tokenEndpointAuthMethod: method,
      });
      expect(result.clientSecret).toBe(given.clientSecret);
      expect(result.server.tokenEndpointAuthMethods).toEqual([method]);
      expect(requests).toHaveLength(1);
      where[method](requests[0] as TokenRequest, given.clientSecret);
      expect(await whoami(sandbox().mcpUrl, result.tokens.accessToken)).toContain(DEMO.email);

      const refreshed = await refreshTokens(
        result.server,
        result.registration,
        result.tokens.refreshToken ?? '',
        { clientSecret: result.clientSecret, fetch: recordingTokenRequests(requests) },
      );
      expect(refreshed.kind).toBe('ok');
      where[method](requests[1] as TokenRequest, given.clientSecret);
    });

    if (method !== 'none') {
      it('registers dynamically with the secret the server issues when no client id is given', async () => {
        const requests: TokenRequest[] = [];
        const result = await signInWithBrowser(sandbox(), {
          ...DEMO,
          browser: browser(),
          options: { fetch: recordingTokenRequests(requests) },
        });
        expect(result.registration).toMatchObject({ kind: 'dcr', tokenEndpointAuthMethod: method });
        expect(result.clientSecret).toEqual(expect.any(String));
        // A public client's request, which this server refuses, was never sent.
        expect(requests.every((r) => r.body.get('client_secret') || r.authorization)).toBe(true);
        expect(await whoami(sandbox().mcpUrl, result.tokens.accessToken)).toContain(DEMO.email);
      });
    }
  });
}

describe('a server that issues no ID token and has no userinfo', () => {
  const sandbox = sandboxIn({ identity: false });

  it('signs in without an account, and the tokens work', async () => {
    const result = await signInWithBrowser(sandbox(), { ...DEMO, browser: browser() });
    expect(result.account).toEqual({});
    expect(result.server.userinfoEndpoint).toBeUndefined();
    expect(await whoami(sandbox().mcpUrl, result.tokens.accessToken)).toContain(DEMO.email);
  });
});

describe('a server that issues no refresh token', () => {
  const sandbox = sandboxIn({ refreshTokens: false });

  it('signs in with an access token only', async () => {
    const result = await signInWithBrowser(sandbox(), { ...DEMO, browser: browser() });
    expect(result.tokens.refreshToken).toBeUndefined();
    expect(await whoami(sandbox().mcpUrl, result.tokens.accessToken)).toContain(DEMO.email);
  });
});

describe('a resource that moves to another authorization server', () => {
  const sandbox = sandboxIn({});

  it('registers anew with the new issuer instead of reusing the old registration', async () => {
    const first = await signInWithBrowser(sandbox(), { ...DEMO, browser: browser() });
    expect(first.registration.issuer).toBe(sandbox().issuer);

    const { issuer: newIssuer } = await sandbox().controls.moveAuthorizationServer();
    expect(newIssuer).not.toBe(sandbox().issuer);
    // The old server's tokens are no longer accepted by the resource.
    expect((await postWithToken(sandbox().mcpUrl, first.tokens.accessToken)).status).toBe(401);

    // Reconnect: the kept registration is offered, discovery runs again (no stored server).
    const urls: string[] = [];
    const second = await signInWithBrowser(sandbox(), {
      ...DEMO,
      browser: browser(),
      options: { registration: first.registration, ...collect(urls) },
    });
    expect(second.server.issuer).toBe(newIssuer);
    expect(second.registration).toMatchObject({ kind: 'dcr', issuer: newIssuer });
    expect(second.registration.clientId).not.toBe(first.registration.clientId);
    // The old client id never reached the new server: the browser went there with the new one.
    expect(urls).toHaveLength(1);
    const sent = new URL(urls[0] ?? '');
    expect(sent.origin).toBe(newIssuer);
    expect(sent.searchParams.get('client_id')).toBe(second.registration.clientId);
    expect(await whoami(sandbox().mcpUrl, second.tokens.accessToken)).toContain(DEMO.email);
  });
});
