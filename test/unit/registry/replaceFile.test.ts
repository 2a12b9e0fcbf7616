import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFile } from '../../../src/core/registry/replaceFile';
import { withTempDir } from '../../helpers/tempDir';

const dir = withTempDir('splattr-replace-');

describe('replaceFile', () => {
  it('writes a new file readable by its owner only, and replaces it whole', async () => {
    const file = path.join(dir(), 'c1.json');
    await replaceFile(file, '{"a":1}\n', 0o600);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await replaceFile(file, '{"a":2}\n', 0o600);
    expect(await readFile(file, 'utf8')).toBe('{"a":2}\n');
    expect(await readdir(dir())).toEqual(['c1.json']);
  });

  it('keeps the old content and leaves no temporary file when the replacement fails', async () => {
    // A folder where the file should be: the rename at the end fails.
    const file = path.join(dir(), 'c1.json');
    await mkdir(file);
    await writeFile(path.join(file, 'inside'), 'kept');
    await expect(replaceFile(file, 'new', 0o600)).rejects.toThrow();
    expect(await readdir(dir())).toEqual(['c1.json']);
    expect(await readFile(path.join(file, 'inside'), 'utf8')).toBe('kept');
  });

  it('fails plainly in a folder it cannot write, changing nothing', async () => {
    const file = path.join(dir(), 'missing-folder', 'c1.json');
    await expect(replaceFile(file, 'new', 0o600)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readdir(dir())).toEqual([]);
  });
});
