import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'vitest';
import { REGISTRY_FORMAT_VERSION } from '../../src/core/registry/registry';
import type { ConnectionRecord } from '../../src/core/registry/schema';
import { thrownCompanionError } from './companionError';

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

/**
 * Writes each kind of damaged registry file into `dataDir` (not JSON; JSON the schema refuses)
 * and expects `read` to refuse it with a sentence naming the file, and to leave it as it was.
 */
export async function expectDamagedFilesRefused(dataDir: string, read: () => unknown) {
  const file = path.join(dataDir, 'registry.json');
  for (const damaged of [
    '{"connections": {',
    JSON.stringify({
      connections: { a: { id: 'a', client: 'vim' } },
      settings: {},
      __internal__: { migrations: { version: REGISTRY_FORMAT_VERSION } },
    }),
  ]) {
    await writeFile(file, damaged);
    const error = thrownCompanionError(read);
    expect(error.code).toBe('registry_invalid');
    expect(error.message).toContain(file);
    expect(await readFile(file, 'utf8')).toBe(damaged);
  }
}
