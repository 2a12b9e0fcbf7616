import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeSignIn, revokeOnSecurityPage, withBrowser } from '../../helpers/browser';
import { toolText, withSandbox } from '../../helpers/sandbox';

const DEMO = { email: 'demo@splattr.test', password: 'demo' };

/** A loopback redirect target as a native app runs it: 127.0.0.1, ephemeral port, one path. */
async function startLoopback(): Promise<{ redirectUrl: string; codes: URL[]; server: Server }> {
  const codes: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      res.writeHead(404).end();
      return;
    }
    codes.push(url);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('You can close this tab.');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { redirectUrl: `http://127.0.0.1:${port}/callback`, codes, server };
}

/** The MCP SDK's client auth, with Chromium as the person at the browser. */
class BrowserDrivenProvider implements OAuthClientProvider {
  private client?: OAuthClientInformationMixed;
  private tokenSet?: OAuthTokens;
  private verifier = '';
  signIn?: Promise<URL>;

  constructor(
    readonly redirectUrl: string,
    private readonly browser: Browser,
    private readonly consent: 'allow' | 'deny',
    readonly clientName: string,
  ) {}

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.clientName,
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
    } as OAuthClientMetadata;
  }
  state(): string {
    return 'state-of-this-test';
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: OAuthClientInformationMixed): void {
    this.client = info;
  }
  tokens() {
    return this.tokenSet;
  }
  saveTokens(tokens: OAuthTokens): void {
    this.tokenSet = tokens;
  }
  redirectToAuthorization(url: URL): void {
    this.signIn = completeSignIn(this.browser, url.href, { ...DEMO, consent: this.consent });
  }
  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }
  codeVerifier(): string {
    return this.verifier;
  }
}

describe('sign-in with the MCP SDK client and Chromium on the sandbox pages', () => {
  const sandbox = withSandbox();
  const browser = withBrowser();
  let loopback: Awaited<ReturnType<typeof startLoopback>>;

  beforeAll(async () => {
    loopback = await startLoopback();
  });
  afterAll(async () => {
    loopback?.server.close();
  });

  it('registers, signs in, consents, and whoami answers the demo account; revoking on the Security page stops the next call', async () => {
    const { mcpUrl } = sandbox();
    const provider = new BrowserDrivenProvider(
      loopback.redirectUrl,
      browser(),
      'allow',
      'SDK test client',
    );

    expect(await auth(provider, { serverUrl: mcpUrl })).toBe('REDIRECT');
    const callback = await provider.signIn!;
    expect(loopback.codes.map((url) => url.search)).toContain(callback.search);
    expect(callback.searchParams.get('state')).toBe('state-of-this-test');
    const code = callback.searchParams.get('code');
    expect(code).toBeTruthy();

    expect(await auth(provider, { serverUrl: mcpUrl, authorizationCode: code! })).toBe(
      'AUTHORIZED',
    );
    expect(provider.tokens()?.refresh_token).toBeTruthy();
    expect(provider.tokens()?.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);

    const client = new Client({ name: 'sdk-test', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(mcpUrl), { authProvider: provider }),
    );
    const whoami = JSON.parse(toolText(await client.callTool({ name: 'whoami', arguments: {} })));
    expect(whoami).toMatchObject({
      email: 'demo@splattr.test',
      name: 'Demo User',
      organization: 'Acme',
    });

    const grants = await sandbox().controls.listGrants(DEMO.email);
    expect(grants.map((grant) => grant.clientName)).toContain('SDK test client');

    const notice = await revokeOnSecurityPage(browser(), sandbox().origin, DEMO, 'SDK test client');
    expect(notice).toContain('SDK test client');
    expect(await sandbox().controls.listGrants(DEMO.email)).toEqual([]);

    const afterRevoke = await fetch(mcpUrl, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${provider.tokens()!.access_token}`,
        'Content-Type': 'application/json',
        Accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(afterRevoke.status).toBe(401);
    expect(afterRevoke.headers.get('www-authenticate')).toContain('error="invalid_token"');
    await client.close();
  });

  it('a person who clicks Deny sends the app access_denied and no grant is made', async () => {
    const { mcpUrl } = sandbox();
    const provider = new BrowserDrivenProvider(
      loopback.redirectUrl,
      browser(),
      'deny',
      'Denied client',
    );
    expect(await auth(provider, { serverUrl: mcpUrl })).toBe('REDIRECT');
    const callback = await provider.signIn!;
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
    const grants = await sandbox().controls.listGrants(DEMO.email);
    expect(grants.map((grant) => grant.clientName)).not.toContain('Denied client');
  });
});
