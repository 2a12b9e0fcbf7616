import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { refreshTokens } from '../../../src/core/oauth/refresh';
import type { ClientRegistration, OAuthServerInfo } from '../../../src/core/oauth/types';

// A token endpoint scripted per test: the sandbox cannot be told to answer every case below.
type Answer = (res: ServerResponse) => void;
let answer: Answer;
let received: URLSearchParams[] = [];
let server: Server;
let info: OAuthServerInfo;
const registration: ClientRegistration = {
  clientId: 'native-client-1',
  redirectUris: ['http://127.0.0.1/callback'],
  clientName: 'Splattr Companion for Cursor',
  registeredAt: '2025-01-01T00:00:00.000Z',
};

const json =
  (status: number, body: unknown): Answer =>
  (res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push(new URLSearchParams(body));
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  info = {
    serverUrl: `${origin}/mcp`,
    resource: `${origin}/mcp`,
    issuer: origin,
    tokenEndpoint: `${origin}/token`,
    authorizationEndpoint: `${origin}/auth`,
    scope: 'openid email profile',
  };
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  received = [];
});

describe('refreshTokens', () => {
  it('sends one refresh_token request with client_id and resource, and stores rotation', async () => {
    answer = json(200, {
      access_token: 'new-access',
      refresh_token: 'new-refresh',
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'openid email profile',
    });
    const outcome = await refreshTokens(info, registration, 'old-refresh', { now: () => 1_000 });
    expect(outcome).toEqual({
      kind: 'ok',
      tokens: {
        accessToken: 'new-access',
        refreshToken: 'new-refresh',
        expiresAt: 1_000 + 600_000,
        obtainedAt: 1_000,
        scope: 'openid email profile',
      },
    });
    expect(received).toHaveLength(1);
    expect(Object.fromEntries(received[0]!)).toEqual({
      grant_type: 'refresh_token',
      refresh_token: 'old-refresh',
      client_id: 'native-client-1',
      resource: info.resource,
    });
  });

  it('keeps the old refresh token when the server does not rotate it', async () => {
    answer = json(200, { access_token: 'new-access', token_type: 'Bearer', expires_in: 60 });
    const outcome = await refreshTokens(info, registration, 'old-refresh');
    expect(outcome.kind === 'ok' && outcome.tokens.refreshToken).toBe('old-refresh');
  });

  it.each([
    [
      'invalid_grant (revoked or expired grant)',
      json(400, { error: 'invalid_grant' }),
      'invalid_grant',
    ],
    [
      'invalid_client (registration deleted)',
      json(401, { error: 'invalid_client' }),
      'invalid_client',
    ],
    ['unauthorized_client', json(400, { error: 'unauthorized_client' }), 'invalid_client'],
  ])('maps %s to a definite outcome', async (_name, reply, kind) => {
    answer = reply;
    expect(await refreshTokens(info, registration, 'r')).toEqual({ kind });
  });

  it.each([
    ['503 with an HTML page', (res: ServerResponse) => res.writeHead(503).end('<h1>down</h1>')],
    ['503 temporarily_unavailable', json(503, { error: 'temporarily_unavailable' })],
    ['400 temporarily_unavailable', json(400, { error: 'temporarily_unavailable' })],
    ['500 server_error', json(500, { error: 'server_error' })],
    ['429 without a body', (res: ServerResponse) => res.writeHead(429).end()],
    ['200 that is not a token response', json(200, { hello: 'world' })],
  ])('treats %s as transient, never as a lost grant', async (_name, reply) => {
    answer = reply;
    expect((await refreshTokens(info, registration, 'r')).kind).toBe('transient');
  });

  it('stops reading a token answer far larger than any token response: transient', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // 64 MiB of a JSON string, streamed without a length.
      res.write('{"access_token":"');
      const chunk = Buffer.alloc(1024 * 1024, 'a');
      let sent = 0;
      const more = () => {
        while (sent < 64) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end('","token_type":"Bearer"}');
      };
      res.on('close', () => (sent = 64));
      more();
    };
    expect(await refreshTokens(info, registration, 'r')).toEqual({
      kind: 'transient',
      reason: 'malformed_response',
    });
  });

  it('treats a refused connection and a server that never answers as transient', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const gone = { ...info, tokenEndpoint: `http://127.0.0.1:${port}/token` };
    expect(await refreshTokens(gone, registration, 'r')).toEqual({
      kind: 'transient',
      reason: 'network',
    });

    answer = () => {}; // accepts the request and never answers
    expect(await refreshTokens(info, registration, 'r', { timeoutMs: 300 })).toEqual({
      kind: 'transient',
      reason: 'timeout',
    });
  });
});
