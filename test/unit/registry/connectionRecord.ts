import type { ConnectionRecord } from '../../../src/core/registry/schema';

const server = {
  serverUrl: 'http://127.0.0.1:4100/mcp',
  resource: 'http://127.0.0.1:4100/mcp',
  issuer: 'http://127.0.0.1:4100',
  tokenEndpoint: 'http://127.0.0.1:4100/token',
  authorizationEndpoint: 'http://127.0.0.1:4100/auth',
  revocationEndpoint: 'http://127.0.0.1:4100/token/revocation',
  scope: 'openid email profile',
};

/** A finished connection's record, as the registry keeps it; `overrides` changes any field. */
export function record(id: string, overrides: Partial<ConnectionRecord> = {}): ConnectionRecord {
  return {
    id,
    client: 'cursor',
    serverUrl: server.serverUrl,
    server,
    registration: {
      clientId: 'client-1',
      redirectUris: ['http://127.0.0.1/callback'],
      clientName: 'Splattr Companion for Cursor',
      registeredAt: '2025-01-01T00:00:00.000Z',
    },
    account: { email: 'demo@splattr.test', name: 'Demo', organization: 'Acme' },
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    state: 'active',
    ...overrides,
  };
}
