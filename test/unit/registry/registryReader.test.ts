import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry, REGISTRY_FORMAT_VERSION } from '../../../src/core/registry/registry';
import { openRegistryReader } from '../../../src/core/registry/registryReader';
import type { ConnectionRecord } from '../../../src/core/registry/schema';
import { CompanionError } from '../../../src/shared/errors';
import { withTempDir } from '../../helpers/tempDir';

const dir = withTempDir('splattr-registry-reader-');

const server = {
  serverUrl: 'http://127.0.0.1:4100/mcp',
  resource: 'http://127.0.0.1:4100/mcp',
  issuer: 'http://127.0.0.1:4100',
  tokenEndpoint: 'http://127.0.0.1:4100/token',
  authorizationEndpoint: 'http://127.0.0.1:4100/auth',
  scope: 'openid email profile',
};

function record(id: string): ConnectionRecord {
  return {
    id,
    client: 'claude-desktop',
    serverUrl: server.serverUrl,
    server,
    registration: {
      clientId: 'client-1',
      redirectUris: ['http://127.0.0.1/callback'],
      clientName: 'Splattr Companion for Claude Desktop',
      registeredAt: '2025-01-01T00:00:00.000Z',
    },
    account: { email: 'demo@splattr.test' },
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    state: 'active',
  };
}

function thrownBy(work: () => unknown): CompanionError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(CompanionError);
    return error as CompanionError;
  }
  throw new Error('expected a CompanionError');
}

describe('read-only registry reader (what a bridge uses)', () => {
  it('reads what the app wrote and sees its later writes without reopening', () => {
    const app = openRegistry({ dataDir: dir() });
    const reader = openRegistryReader({ dataDir: dir() });
    expect(reader.path).toBe(app.path);
    app.put(record('a'));
    app.setSettings({ serverUrl: 'https://mcp.example.test/mcp' });
    expect(reader.get('a')).toEqual(app.get('a'));
    expect(reader.getSettings()).toEqual({ serverUrl: 'https://mcp.example.test/mcp' });

    app.update('a', { state: 'removing' });
    expect(reader.get('a')?.state).toBe('removing');
    app.delete('a');
    expect(reader.get('a')).toBeUndefined();
    expect(reader.list()).toEqual([]);
  });

  it('never writes: no file or folder is created, and an old format is left for the app to migrate', async () => {
    const missing = path.join(dir(), 'not-yet');
    expect(openRegistryReader({ dataDir: missing }).list()).toEqual([]);
    expect(await readdir(dir())).toEqual([]);

    const file = path.join(dir(), 'registry.json');
    const format1 = JSON.stringify({
      connections: [{ id: 'old', createdAt: '2025-01-01T00:00:00.000Z' }],
      settings: {},
      __internal__: { migrations: { version: '1.0.0' } },
    });
    await writeFile(file, format1);
    const error = thrownBy(() => openRegistryReader({ dataDir: dir() }).get('old'));
    expect(error.code).toBe('registry_invalid');
    expect(error.message).toContain('Open Splattr Companion once');
    expect(await readFile(file, 'utf8')).toBe(format1);
  });

  it('reports a damaged file clearly, naming it', async () => {
    const file = path.join(dir(), 'registry.json');
    for (const damaged of [
      '{"connections": {',
      JSON.stringify({
        connections: { a: { id: 'a', client: 'vim' } },
        settings: {},
        __internal__: { migrations: { version: REGISTRY_FORMAT_VERSION } },
      }),
    ]) {
      await writeFile(file, damaged);
      const error = thrownBy(() => openRegistryReader({ dataDir: dir() }).list());
      expect(error.code).toBe('registry_invalid');
      expect(error.message).toContain(file);
      expect(await readFile(file, 'utf8')).toBe(damaged);
    }
  });
});
