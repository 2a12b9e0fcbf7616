import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRegistry } from '../../../src/core/registry/registry';
import { openRegistryReader } from '../../../src/core/registry/registryReader';
import { thrownCompanionError } from '../../helpers/companionError';
import { withTempDir } from '../../helpers/tempDir';
import { expectDamagedFilesRefused, record } from '../../helpers/registryFixtures';

const dir = withTempDir('splattr-registry-reader-');

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
    const error = thrownCompanionError(() => openRegistryReader({ dataDir: dir() }).get('old'));
    expect(error.code).toBe('registry_invalid');
    expect(error.message).toContain('Open Splattr Companion once');
    expect(await readFile(file, 'utf8')).toBe(format1);
  });

  it('reports a damaged file clearly, naming it', async () => {
    await expectDamagedFilesRefused(dir(), () => openRegistryReader({ dataDir: dir() }).list());
  });
});
