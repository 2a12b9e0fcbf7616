import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry, REGISTRY_FORMAT_VERSION } from '../../../src/core/registry/registry';
import type { ConnectionRecord } from '../../../src/core/registry/schema';
import { thrownCompanionError } from '../../helpers/companionError';
import { expectNoSecretsUnder } from '../../helpers/noSecrets';
import { withTempDir } from '../../helpers/tempDir';
import { expectDamagedFilesRefused, record } from '../../helpers/registryFixtures';

const dir = withTempDir('splattr-registry-');

describe('registry', () => {
  it('keeps records in <dataDir>/registry.json, readable by a second process-like reader', () => {
    const writer = openRegistry({ dataDir: dir() });
    writer.put(record('a'));
    writer.put(record('b', { client: 'claude-desktop', state: 'adding' }));
    expect(writer.path).toBe(path.join(dir(), 'registry.json'));

    const reader = openRegistry({ dataDir: dir() });
    expect(reader.list().map((r) => r.id)).toEqual(['a', 'b']);
    expect(reader.get('b')?.state).toBe('adding');

    // A reader sees later writes without reopening (the bridge keeps one open).
    writer.update('b', { state: 'active' });
    expect(reader.get('b')?.state).toBe('active');
    expect(reader.get('b')?.updatedAt).not.toBe('2025-01-01T00:00:00.000Z');
    expect(reader.get('b')?.createdAt).toBe('2025-01-01T00:00:00.000Z');

    expect(writer.delete('a')).toBe(true);
    expect(writer.delete('a')).toBe(false);
    expect(reader.list().map((r) => r.id)).toEqual(['b']);
  });

  it('keeps settings', () => {
    const registry = openRegistry({ dataDir: dir() });
    expect(registry.getSettings()).toEqual({});
    registry.setSettings({ serverUrl: 'https://mcp.example.test/mcp' });
    expect(openRegistry({ dataDir: dir() }).getSettings()).toEqual({
      serverUrl: 'https://mcp.example.test/mcp',
    });
  });

  it('refuses an invalid record or setting and changes nothing', async () => {
    const registry = openRegistry({ dataDir: dir() });
    registry.put(record('a'));
    const before = await readFile(registry.path, 'utf8');

    const bad = thrownCompanionError(() => registry.put(record('b', { serverUrl: 'not a url' })));
    expect(bad.code).toBe('invalid_input');
    expect(bad.message).toContain('serverUrl');
    expect(thrownCompanionError(() => registry.put(record('../escape'))).code).toBe(
      'invalid_input',
    );
    expect(thrownCompanionError(() => registry.update('a', { state: 'gone' as never })).code).toBe(
      'invalid_input',
    );
    expect(thrownCompanionError(() => registry.update('missing', {})).code).toBe(
      'connection_not_found',
    );
    expect(thrownCompanionError(() => registry.setSettings({ serverUrl: 'nope' })).code).toBe(
      'invalid_input',
    );
    expect(await readFile(registry.path, 'utf8')).toBe(before);
  });

  it('never writes a secret, even one passed in by mistake', async () => {
    const token = randomBytes(32).toString('base64url');
    const registry = openRegistry({ dataDir: dir() });
    registry.put({ ...record('a'), tokens: { accessToken: token } } as ConnectionRecord);
    registry.update('a', { refreshToken: token } as never);
    expect(registry.get('a')).toEqual({ ...record('a'), updatedAt: expect.any(String) });
    await expectNoSecretsUnder([dir()], [token]);
  });

  it('migrates a format-1 file (a list of connections without state)', async () => {
    const old = record('old');
    const format1: Partial<ConnectionRecord> = { ...old };
    delete format1.state;
    delete format1.updatedAt;
    await writeFile(
      path.join(dir(), 'registry.json'),
      JSON.stringify({
        connections: [format1],
        settings: { serverUrl: 'https://mcp.example.test/mcp' },
        __internal__: { migrations: { version: '1.0.0' } },
      }),
    );

    const registry = openRegistry({ dataDir: dir() });
    expect(registry.list()).toEqual([{ ...old, state: 'active', updatedAt: old.createdAt }]);
    expect(registry.getSettings().serverUrl).toBe('https://mcp.example.test/mcp');
    const onDisk = JSON.parse(await readFile(registry.path, 'utf8'));
    expect(onDisk.__internal__.migrations.version).toBe(REGISTRY_FORMAT_VERSION);
    expect(Array.isArray(onDisk.connections)).toBe(false);
  });

  it('reports a damaged file clearly, naming it, and leaves it as it was', async () => {
    await expectDamagedFilesRefused(dir(), () => openRegistry({ dataDir: dir() }).list());
  });
});
