import { chmod, mkdir, readdir, stat } from 'node:fs/promises';
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

describe('the data folder', () => {
  const home = withTempDir('splattr-data-folder-');
  const cliEnv = (extra: NodeJS.ProcessEnv = {}) => ({
    PATH: process.env.PATH,
    HOME: home(),
    DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS,
    ...extra,
  });
  const list = async (env: NodeJS.ProcessEnv) => {
    const listed = await runCli(['list', '--json'], env).done;
    expect(listed.stderr).toBe('');
    expect(listed.code).toBe(0);
  };
  const defaultDataDir = () => path.join(home(), '.config', 'splattr-companion');

  it('made 0755 by an earlier version, is made readable by the user only', async () => {
    await mkdir(defaultDataDir(), { recursive: true });
    await chmod(defaultDataDir(), 0o755);
    await list(cliEnv());
    expect((await modes(defaultDataDir()))['.']).toBe('700');
  });

  it('chosen by the person (SPLATTR_COMPANION_HOME), keeps the mode they gave it', async () => {
    const chosen = path.join(home(), 'shared-folder');
    await mkdir(chosen);
    await chmod(chosen, 0o750);
    await list(cliEnv({ SPLATTR_COMPANION_HOME: chosen }));
    expect((await modes(chosen))['.']).toBe('750');
  });

  it('is created readable by the user only, like everything the CLI writes in it', async () => {
    await list(cliEnv());

    const dataDir = defaultDataDir();
    const found = await modes(dataDir);
    expect(found['.']).toBe('700');
    expect(Object.keys(found).length).toBeGreaterThan(1);
    for (const [name, mode] of Object.entries(found)) {
      const isDir = (await stat(path.join(dataDir, name))).isDirectory();
      expect(`${name} ${mode}`).toBe(`${name} ${isDir ? '700' : '600'}`);
    }
  });
});
