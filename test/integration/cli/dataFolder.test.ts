import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { withTempDir } from '../../helpers/tempDir';

/** Every folder and file under `dir` (itself included) with its permission bits. */
async function modes(dir: string): Promise<Record<string, string>> {
  const found: Record<string, string> = {};
  for (const name of ['.', ...(await readdir(dir, { recursive: true }))]) {
    found[name] = ((await stat(path.join(dir, name))).mode & 0o777).toString(8);
  }
  return found;
}

describe('the data folder on first use', () => {
  const home = withTempDir('splattr-data-folder-');

  it('is created readable by the user only, like everything the CLI writes in it', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: home(),
      DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
    };
    const listed = await runCli(['list', '--json'], env).done;
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);

    const dataDir = path.join(home(), '.config', 'splattr-companion');
    const found = await modes(dataDir);
    expect(found['.']).toBe('700');
    expect(Object.keys(found).length).toBeGreaterThan(1);
    for (const [name, mode] of Object.entries(found)) {
      const isDir = (await stat(path.join(dataDir, name))).isDirectory();
      expect(`${name} ${mode}`).toBe(`${name} ${isDir ? '700' : '600'}`);
    }
  });
});
