import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverServer } from '../../../src/core/oauth/discovery';
import { withSandbox } from '../../helpers/sandbox';
import { companionError } from '../../helpers/companionError';

const sandbox = withSandbox();

interface Route {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Streams this many bytes of a JSON string instead, without a content-length. */
  hugeBytes?: number;
}

interface FakeServer {
  origin: string;
  /** Paths requested, in order. */
  requests: string[];
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        }),
    ),
  );
});

/** A tiny stand-in that serves the documents a test gives it, and 404 for everything else. */
async function fakeServer(routes: (origin: string) => Record<string, Route>): Promise<FakeServer> {
  const requests: string[] = [];
  let table: Record<string, Route> = {};
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    const route = table[path];
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(route.status ?? 200, {
      'content-type': 'application/json',
      ...route.headers,
    });
    if (route.hugeBytes) {
      streamHugeJson(response, route.hugeBytes);
      return;
    }
    response.end(route.json === undefined ? '' : JSON.stringify(route.json));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  table = routes(origin);
  return { origin, requests };
}

/** `{"resource":"AAAA…` in 64 KiB chunks, as fast as the reader takes them, then stops. */
function streamHugeJson(response: http.ServerResponse, bytes: number): void {
  const chunk = Buffer.alloc(64 * 1024, 'A');
  let sent = 0;
  response.write('{"resource":"');
  const more = () => {
    while (sent < bytes) {
      sent += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', more);
        return;
      }
    }
    response.end('"}');
  };
  response.on('close', () => (sent = bytes));
  more();
}

/** Every URL a discovery fetched. */
function recordingFetch(seen: string[]): typeof fetch {
  return (input, init) => {
    seen.push(String(input));
    return fetch(input, init);
  };
}

const challenge = (origin: string, extra = '') => ({
  status: 401,
  headers: {
    'www-authenticate': `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"${extra}`,
  },
});

const resourceMetadata = (origin: string, extra: Record<string, unknown> = {}) => ({
  json: { resource: `${origin}/mcp`, authorization_servers: [origin], ...extra },
});

const serverMetadata = (origin: string, extra: Record<string, unknown> = {}) => ({
  json: {
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    registration_endpoint: `${origin}/register`,
    response_types_supported: ['code'],
    code_challenge_methods_supported: ['S256'],
    ...extra,
  },
});

describe('discovery', () => {
  it('finds the sandbox’s resource, issuer, endpoints and scope from its 401 challenge', async () => {
    const info = await discoverServer(sandbox().mcpUrl);
    const { issuer, mcpUrl } = sandbox();
    expect(info).toMatchObject({
      serverUrl: mcpUrl,
      resource: mcpUrl,
      issuer,
      authorizationEndpoint: expect.stringMatching(`^${issuer}/`),
      tokenEndpoint: expect.stringMatching(`^${issuer}/`),
      registrationEndpoint: expect.stringMatching(`^${issuer}/`),
      revocationEndpoint: expect.stringMatching(`^${issuer}/`),
      jwksUri: expect.stringMatching(`^${issuer}/`),
      issParameterSupported: true,
    });
    expect(info.scope.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
  });

  it('refuses a server that does not advertise PKCE S256', async () => {
    for (const methods of [['plain'], undefined]) {
      const fake = await fakeServer((origin) => ({
        '/mcp': challenge(origin),
        '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin),
        '/.well-known/oauth-authorization-server': serverMetadata(origin, {
          code_challenge_methods_supported: methods,
        }),
      }));
      const error = await companionError(discoverServer(`${fake.origin}/mcp`));
      expect(error.code).toBe('server_unsupported');
      expect(error.message).toContain('PKCE S256');
    }
  });

  it('takes the scope from the challenge, then from scopes_supported, else none; adds only listed optional scopes', async () => {
    const fromChallenge = await fakeServer((origin) => ({
      '/mcp': challenge(origin, ', scope="contacts:read"'),
      '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin, {
        scopes_supported: ['contacts:read', 'contacts:write'],
      }),
      '/.well-known/oauth-authorization-server': serverMetadata(origin, {
        scopes_supported: ['openid', 'email', 'contacts:read', 'contacts:write'],
      }),
    }));
    expect((await discoverServer(`${fromChallenge.origin}/mcp`)).scope).toBe(
      'contacts:read openid email',
    );

    const fromMetadata = await fakeServer((origin) => ({
      '/mcp': challenge(origin),
      '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin, {
        scopes_supported: ['contacts:read', 'contacts:write'],
      }),
      '/.well-known/oauth-authorization-server': serverMetadata(origin),
    }));
    // The authorization server lists no scopes: nothing is added to what the resource asks.
    expect((await discoverServer(`${fromMetadata.origin}/mcp`)).scope).toBe(
      'contacts:read contacts:write',
    );

    const withOfflineAccess = await fakeServer((origin) => ({
      '/mcp': challenge(origin),
      '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin),
      '/.well-known/oauth-authorization-server': serverMetadata(origin, {
        scopes_supported: ['offline_access', 'profile', 'files:read'],
      }),
    }));
    // No scope from the resource: only what the server lists of the optional ones.
    expect((await discoverServer(`${withOfflineAccess.origin}/mcp`)).scope).toBe(
      'profile offline_access',
    );

    const nothing = await fakeServer((origin) => ({
      '/mcp': challenge(origin),
      '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin),
      '/.well-known/oauth-authorization-server': serverMetadata(origin),
    }));
    // An empty scope: the authorization request then carries no scope parameter.
    expect((await discoverServer(`${nothing.origin}/mcp`)).scope).toBe('');
  });

  it('refuses plain http to another computer before any request, at every step', async () => {
    const seen: string[] = [];
    const typed = await companionError(
      discoverServer('http://mcp.splattr.example/mcp', { fetch: recordingFetch(seen) }),
    );
    expect(typed.code).toBe('invalid_input');
    expect(typed.message).toContain('must start with https://');
    expect(seen).toEqual([]);

    // The resource names an authorization server over http: it is never contacted.
    const httpIssuer = await fakeServer((origin) => ({
      '/mcp': challenge(origin),
      '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin, {
        authorization_servers: ['http://auth.splattr.example'],
      }),
    }));
    const issuerError = await companionError(
      discoverServer(`${httpIssuer.origin}/mcp`, { fetch: recordingFetch(seen) }),
    );
    expect(issuerError.message).toContain('must start with https://');
    expect(seen.some((url) => url.includes('splattr.example'))).toBe(false);

    // The challenge points at metadata over http elsewhere: not fetched either.
    const httpMetadata = await fakeServer(() => ({
      '/mcp': {
        status: 401,
        headers: {
          'www-authenticate':
            'Bearer resource_metadata="http://metadata.splattr.example/.well-known/oauth-protected-resource"',
        },
      },
    }));
    await companionError(
      discoverServer(`${httpMetadata.origin}/mcp`, { fetch: recordingFetch(seen) }),
    );
    expect(seen.some((url) => url.includes('splattr.example'))).toBe(false);

    // Metadata whose token endpoint is plain http elsewhere: refused before sign-in starts.
    const httpEndpoint = await fakeServer((origin) => ({
      '/mcp': challenge(origin),
      '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin),
      '/.well-known/oauth-authorization-server': serverMetadata(origin, {
        token_endpoint: 'http://auth.splattr.example/token',
      }),
    }));
    const endpointError = await companionError(discoverServer(`${httpEndpoint.origin}/mcp`));
    expect(endpointError.code).toBe('server_unsupported');
    expect(endpointError.message).toContain('must start with https://');
  });

  it('stops reading an answer far larger than sign-in metadata, with a sentence', async () => {
    const huge = await fakeServer((origin) => ({
      '/mcp': challenge(origin),
      '/.well-known/oauth-protected-resource/mcp': { hugeBytes: 256 * 1024 * 1024 },
    }));
    const error = await companionError(discoverServer(`${huge.origin}/mcp`));
    expect(error.code).toBe('server_error');
    expect(error.message).toContain('far larger');
  });

  it('falls back to the well-known resource metadata URLs without a challenge', async () => {
    const fake = await fakeServer((origin) => ({
      '/.well-known/oauth-protected-resource': resourceMetadata(origin),
      '/.well-known/oauth-authorization-server': serverMetadata(origin),
    }));
    const info = await discoverServer(`${fake.origin}/mcp`);
    expect(info.issuer).toBe(fake.origin);
    expect(fake.requests).toEqual([
      // initialize, then tools/list: a server may challenge only the calls after initialize.
      '/mcp',
      '/mcp',
      '/.well-known/oauth-protected-resource/mcp',
      '/.well-known/oauth-protected-resource',
      '/.well-known/oauth-authorization-server',
    ]);
  });

  it('tries RFC 8414 then OpenID discovery, in the spec’s order, for an issuer with a path', async () => {
    const fake = await fakeServer((origin) => ({
      '/mcp': challenge(origin),
      '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin, {
        authorization_servers: [`${origin}/tenant`],
      }),
      '/tenant/.well-known/openid-configuration': serverMetadata(origin, {
        issuer: `${origin}/tenant`,
        jwks_uri: `${origin}/tenant/jwks`,
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
      }),
    }));
    const info = await discoverServer(`${fake.origin}/mcp`);
    expect(info.issuer).toBe(`${fake.origin}/tenant`);
    expect(fake.requests.slice(2)).toEqual([
      '/.well-known/oauth-authorization-server/tenant',
      '/.well-known/openid-configuration/tenant',
      '/tenant/.well-known/openid-configuration',
    ]);
  });

  it('refuses metadata that names another issuer or another resource', async () => {
    const otherIssuer = await fakeServer((origin) => ({
      '/mcp': challenge(origin),
      '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin),
      '/.well-known/oauth-authorization-server': serverMetadata(origin, {
        issuer: 'https://attacker.example',
      }),
    }));
    expect((await companionError(discoverServer(`${otherIssuer.origin}/mcp`))).code).toBe(
      'server_unsupported',
    );

    const otherResource = await fakeServer((origin) => ({
      '/mcp': challenge(origin),
      '/.well-known/oauth-protected-resource/mcp': resourceMetadata(origin, {
        resource: 'https://elsewhere.example/mcp',
      }),
      '/.well-known/oauth-authorization-server': serverMetadata(origin),
    }));
    expect((await companionError(discoverServer(`${otherResource.origin}/mcp`))).code).toBe(
      'server_unsupported',
    );
  });

  it('says so when the address is not an MCP server with sign-in metadata', async () => {
    const fake = await fakeServer(() => ({}));
    const error = await companionError(discoverServer(`${fake.origin}/mcp`));
    expect(error.code).toBe('server_unsupported');
    expect(error.message).toContain('Check the Splattr server address');
  });

  it('reports a server error (5xx) as such', async () => {
    const fake = await fakeServer(() => ({ '/mcp': { status: 503 } }));
    expect((await companionError(discoverServer(`${fake.origin}/mcp`))).code).toBe('server_error');
  });

  it('reports an unreachable server as such', async () => {
    const fake = await fakeServer(() => ({}));
    await new Promise((resolve) => servers.pop()?.close(resolve));
    const error = await companionError(discoverServer(`${fake.origin}/mcp`));
    expect(error.code).toBe('server_unreachable');
    expect(error.message).toContain('could not be reached');
  });

  it('refuses an address that is not a URL', async () => {
    expect((await companionError(discoverServer('not a url'))).code).toBe('invalid_input');
    expect((await companionError(discoverServer('ftp://127.0.0.1/mcp'))).code).toBe(
      'invalid_input',
    );
  });
});
