import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CompanionError } from '../../../src/shared/errors';
import { openStatusFiles } from '../../../src/core/registry/statusFiles';
import { withTempDir } from '../../helpers/tempDir';

const dir = withTempDir('splattr-status-');

describe('status files', () => {
  it('merge updates into <dataDir>/status/<id>.json, and a key set to undefined is cleared', async () => {
    const status = openStatusFiles(dir());
    expect(await status.read('c1')).toBeUndefined();

    await status.update('c1', { lastUsedAt: '2025-01-01T00:00:00.000Z' });
    await status.update('c1', { needsSignIn: true, lastError: 'Sign in again.' });
    expect(await status.read('c1')).toEqual({
      lastUsedAt: '2025-01-01T00:00:00.000Z',
      needsSignIn: true,
      lastError: 'Sign in again.',
      updatedAt: expect.any(String),
    });

    await status.update('c1', { needsSignIn: false, lastError: undefined });
    const onDisk = JSON.parse(await readFile(path.join(dir(), 'status', 'c1.json'), 'utf8'));
    expect(onDisk).toEqual({
      lastUsedAt: '2025-01-01T00:00:00.000Z',
      needsSignIn: false,
      updatedAt: expect.any(String),
    });
    expect(await readdir(status.folder)).toEqual(['c1.json']);

    await status.remove('c1');
    expect(await status.read('c1')).toBeUndefined();
    expect(await readdir(status.folder)).toEqual([]);
  });

  it('does not lose a needs-sign-in mark to writers updating at the same time', async () => {
    const writers = Array.from({ length: 8 }, () => openStatusFiles(dir()));
    await Promise.all([
      ...writers.map((w, i) => w.update('c1', { lastUsedAt: `2025-01-01T00:00:0${i}.000Z` })),
      writers[0]!.update('c1', { needsSignIn: true }),
    ]);
    expect((await openStatusFiles(dir()).read('c1'))?.needsSignIn).toBe(true);
    // No temporary files or locks left behind.
    expect(await readdir(path.join(dir(), 'status'))).toEqual(['c1.json']);
    expect(await readdir(path.join(dir(), 'locks'))).toEqual([]);
  });

  it('reads a damaged file as no status, and the next update replaces it', async () => {
    const status = openStatusFiles(dir());
    await status.update('c1', { needsSignIn: true });
    await writeFile(path.join(dir(), 'status', 'c1.json'), '{"needsSign');
    expect(await status.read('c1')).toBeUndefined();
    await status.update('c1', { lastError: 'x' });
    expect((await status.read('c1'))?.lastError).toBe('x');
  });

  it('refuses ids that would leave the status folder', async () => {
    const status = openStatusFiles(dir());
    for (const id of ['../registry', 'a/b', '', '.']) {
      await expect(status.update(id, { needsSignIn: true })).rejects.toBeInstanceOf(CompanionError);
    }
    expect(await readdir(dir())).not.toContain('registry.json');
  });

  it('tells a watcher which connections changed', async () => {
    const status = openStatusFiles(dir());
    const changes: string[][] = [];
    const changed = new Promise<void>((resolve) => {
      void status
        .watch((ids) => {
          changes.push(ids);
          if (ids.includes('c2')) resolve();
        }, 50)
        .then((stop) => changed.finally(stop));
    });
    // Another process's bridge reporting, as a separate writer.
    await openStatusFiles(dir()).update('c2', { needsSignIn: true });
    await changed;
    expect(changes.flat()).toContain('c2');
    expect(changes.flat().every((id) => id === 'c2')).toBe(true);
  });
});
