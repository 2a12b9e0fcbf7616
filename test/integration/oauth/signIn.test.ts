import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FetchLike } from '../../../src/core/oauth/http';
import { signIn } from '../../../src/core/oauth/signIn';
import { withBrowser } from '../../helpers/browser';
import { connectMcp, toolText, withSandbox } from '../../helpers/sandbox';
import { signInWithBrowser } from '../../../support/signIn';
import { companionError } from '../../helpers/companionError';

const DEMO = { email: 'demo@splattr.test', password: 'demo' };

const sandbox = withSandbox();
const browser = withBrowser();
beforeEach(() => {
  sandbox().controls.resetTokenRequests();
});

/** Proves nothing listens on the port any more. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** The loopback port named in an authorization URL. */
const loopbackPort = (authorizationUrl: string) =>
  Number(new URL(new URL(authorizationUrl).searchParams.get('redirect_uri') ?? '').port);

/** A fetch that shows the test every token-endpoint answer (to look for secrets later). */
function recordingFetch(seen: string[]): FetchLike {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (String(input).endsWith('/token')) seen.push(await response.clone().text());
    return response;
  };
}

describe('sign-in against the sandbox, in Chromium', () => {
  it('signs in: tokens that work on the MCP server, the account, a kept registration', async () => {
    const urls: string[] = [];
    const result = await signInWithBrowser(sandbox(), {
      ...DEMO,
      browser: browser(),
      clientName: 'Splattr Companion for Cursor',
      options: { onAuthorizationUrl: (url) => urls.push(url) },
    });

    expect(result.account).toEqual({
      email: 'demo@splattr.test',
      name: expect.any(String),
      organization: 'Acme',
    });
    expect(result.tokens.accessToken).toEqual(expect.any(String));
    expect(result.tokens.refreshToken).toEqual(expect.any(String));
    expect(result.tokens.expiresAt).toBeGreaterThan(Date.now());
    expect(result.tokens.scope?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'email', 'profile']),
    );
    expect(result.server).toMatchObject({
      serverUrl: sandbox().mcpUrl,
      resource: sandbox().mcpUrl,
      issuer: sandbox().issuer,
    });
    expect(result.registration).toMatchObject({
      clientId: expect.any(String),
      clientName: 'Splattr Companion for Cursor',
      redirectUris: ['http://127.0.0.1/callback'],
    });

    // The URL was given out before the browser opened, with everything the spec asks for.
    expect(urls).toHaveLength(1);
    const sent = new URL(urls[0] ?? '').searchParams;
    expect(sent.get('code_challenge_method')).toBe('S256');
    expect(sent.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(sent.get('state')?.length).toBeGreaterThanOrEqual(32);
    expect(sent.get('resource')).toBe(sandbox().mcpUrl);
    expect(sent.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    expect(await refused(loopbackPort(urls[0] ?? ''))).toBe(true);

    const client = await connectMcp(sandbox().mcpUrl, result.tokens.accessToken);
    try {
      const whoami = toolText(await client.callTool({ name: 'whoami', arguments: {} }));
      expect(whoami).toContain('demo@splattr.test');
    } finally {
      await client.close();
    }
    const grants = await sandbox().controls.listGrants(DEMO.email);
    expect(grants.map((grant) => grant.clientId)).toContain(result.registration.clientId);
    expect(sandbox().controls.tokenRequests()).toEqual({ authorization_code: 1 });
  });

  it('reuses a kept registration instead of registering again', async () => {
    const first = await signInWithBrowser(sandbox(), { ...DEMO, browser: browser() });
    const second = await signInWithBrowser(sandbox(), {
      ...DEMO,
      browser: browser(),
      options: { registration: first.registration, server: first.server },
    });
    expect(second.registration).toEqual(first.registration);
  });

  it('turns Deny on the consent page into "cancelled in the browser" and closes the loopback', async () => {
    const urls: string[] = [];
    const error = await companionError(
      signInWithBrowser(sandbox(), {
        ...DEMO,
        browser: browser(),
        consent: 'deny',
        options: { onAuthorizationUrl: (url) => urls.push(url) },
      }),
    );
    expect(error.code).toBe('sign_in_cancelled');
    expect(error.message).toContain('Sign-in was cancelled in the browser');
    expect(await refused(loopbackPort(urls[0] ?? ''))).toBe(true);
    expect(sandbox().controls.tokenRequests()).toEqual({});
  });

  it('does not let an answer with the wrong state end the sign-in: nothing is exchanged', async () => {
    const urls: string[] = [];
    const controller = new AbortController();
    const pending = signInWithBrowser(sandbox(), {
      ...DEMO,
      browser: browser(),
      rewriteUrl: (url) => {
        const forged = new URL(url);
        forged.searchParams.set('state', 'forged-state-from-another-request');
        return forged.href;
      },
      options: { onAuthorizationUrl: (url) => urls.push(url), signal: controller.signal },
    });
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    // A forged answer straight to the loopback gets an error page, as the browser's did.
    await expect
      .poll(async () => {
        const port = urls[0] ? loopbackPort(urls[0]) : 0;
        if (!port) return 0;
        const answer = await fetch(`http://127.0.0.1:${port}/callback?code=x&state=forged`);
        return answer.status;
      })
      .toBe(400);
    expect(settled).toBe(false);
    expect(sandbox().controls.tokenRequests()).toEqual({});
    controller.abort();
    expect((await companionError(pending)).code).toBe('sign_in_aborted');
    expect(await refused(loopbackPort(urls[0] ?? ''))).toBe(true);
  });

  it('replaces a registration the server deleted, without asking anything', async () => {
    const first = await signInWithBrowser(sandbox(), { ...DEMO, browser: browser() });
    await sandbox().controls.deleteClient(first.registration.clientId);

    const urls: string[] = [];
    const second = await signInWithBrowser(sandbox(), {
      ...DEMO,
      browser: browser(),
      options: {
        registration: first.registration,
        server: first.server,
        onAuthorizationUrl: (url) => urls.push(url),
      },
    });
    expect(second.registration.clientId).not.toBe(first.registration.clientId);
    expect(second.account.email).toBe(DEMO.email);
    // The browser opened once, already for the new registration.
    expect(urls.map((url) => new URL(url).searchParams.get('client_id'))).toEqual([
      second.registration.clientId,
    ]);
    const client = await connectMcp(sandbox().mcpUrl, second.tokens.accessToken);
    await client.close();
  });

  it('registers again when the token endpoint answers invalid_client, and retries once', async () => {
    let deleted = false;
    const urls: string[] = [];
    // The registration disappears between the browser's answer and the code exchange.
    const deleteBeforeFirstExchange: FetchLike = async (input, init) => {
      const body = init?.body instanceof URLSearchParams ? init.body : undefined;
      const clientId = body?.get('client_id');
      if (!deleted && String(input).endsWith('/token') && clientId) {
        deleted = true;
        await sandbox().controls.deleteClient(clientId);
      }
      return fetch(input, init);
    };
    const result = await signInWithBrowser(sandbox(), {
      ...DEMO,
      browser: browser(),
      options: { fetch: deleteBeforeFirstExchange, onAuthorizationUrl: (url) => urls.push(url) },
    });
    expect(deleted).toBe(true);
    expect(urls).toHaveLength(2);
    const clientIds = urls.map((url) => new URL(url).searchParams.get('client_id'));
    expect(clientIds[0]).not.toBe(clientIds[1]);
    expect(result.registration.clientId).toBe(clientIds[1]);
    expect(result.account.email).toBe(DEMO.email);
  });

  it('stops when the ID token cannot be verified, and no token reaches the message', async () => {
    const answers: string[] = [];
    const record = recordingFetch(answers);
    // Keys that did not sign the ID token, under the sandbox's key id.
    const { publicKey } = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'sandbox', alg: 'RS256' }] };
    const wrongKeys: FetchLike = async (input, init) =>
      String(input).endsWith('/jwks') ? Response.json(jwks) : record(input, init);
    const error = await companionError(
      signInWithBrowser(sandbox(), { ...DEMO, browser: browser(), options: { fetch: wrongKeys } }),
    );
    expect(error.code).toBe('sign_in_failed');
    expect(error.message).toContain('could not be verified');
    const tokens = answers.flatMap((text) => {
      const body = JSON.parse(text) as Record<string, unknown>;
      return [body.access_token, body.refresh_token, body.id_token].filter(
        (value): value is string => typeof value === 'string',
      );
    });
    expect(tokens).toHaveLength(3);
    for (const token of tokens) {
      expect(error.message).not.toContain(token);
      expect(JSON.stringify(error.toInfo())).not.toContain(token);
    }
  });

  it('says the server cannot be reached, and opens no browser', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    let opened = false;
    const error = await companionError(
      signIn({
        serverUrl: `http://127.0.0.1:${port}/mcp`,
        clientName: 'Splattr Companion for Claude Desktop',
        openBrowser: async () => {
          opened = true;
        },
      }),
    );
    expect(error.code).toBe('server_unreachable');
    expect(opened).toBe(false);
  });

  it('can be cancelled while waiting for the browser; the loopback closes', async () => {
    const controller = new AbortController();
    const urls: string[] = [];
    const pending = signIn({
      serverUrl: sandbox().mcpUrl,
      clientName: 'Splattr Companion for Claude Desktop',
      signal: controller.signal,
      onAuthorizationUrl: (url) => {
        urls.push(url);
        controller.abort();
      },
      openBrowser: async () => {},
    });
    const error = await companionError(pending);
    expect(error.code).toBe('sign_in_aborted');
    expect(await refused(loopbackPort(urls[0] ?? ''))).toBe(true);
  });
});
