import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBridgeEntry } from '../../../src/core/bridgeEntry';
import { backupPath, getClient } from '../../../src/core/clients';
import { editConfigEntry } from '../../../src/core/clients/configFile';
import { FIXTURES, LAUNCHER, makeTempHome, type TempHome } from '../../helpers/clients/tempHome';
import { companionError } from '../../helpers/companionError';

const cursor = getClient('cursor');
const claude = getClient('claude-desktop');
const entry = buildBridgeEntry(LAUNCHER, 'conn-1');
const FOREIGN = { command: 'npx', args: ['-y', '@splattr/mcp-server'] };

let temp: TempHome;
let configFile: string;
beforeEach(async () => {
  temp = await makeTempHome();
  configFile = cursor.configPath(temp.ctx);
});
afterEach(() => temp.cleanup());

async function writeConfig(content: string | Buffer, file = configFile): Promise<Buffer> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, content);
  return fs.readFile(file);
}

async function readJson(file = configFile): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
}

describe('a missing config', () => {
  it('is created with its folder, private to the user, holding only our entry', async () => {
    await cursor.addEntry(entry, {}, temp.ctx);

    expect(await readJson()).toEqual({ mcpServers: { splattr: entry } });
    expect((await fs.stat(configFile)).mode & 0o777).toBe(0o600);
    // There was nothing to back up.
    await expect(fs.access(backupPath(configFile))).rejects.toThrow();
  });

  it('is not created just to remove an entry that is not there', async () => {
    expect(await cursor.removeEntry({}, temp.ctx)).toBe(false);
    await expect(fs.access(path.dirname(configFile))).rejects.toThrow();
  });

  it('honours XDG_CONFIG_HOME for Claude Desktop on Linux', async () => {
    const xdg = path.join(temp.home, 'xdg');
    const ctx = { ...temp.ctx, env: { ...temp.ctx.env, XDG_CONFIG_HOME: xdg } };
    await claude.addEntry(entry, {}, ctx);
    expect(await readJson(path.join(xdg, 'Claude', 'claude_desktop_config.json'))).toEqual({
      mcpServers: { splattr: entry },
    });
  });
});

describe('a config that cannot be written', () => {
  it('refuses a read-only file and leaves it as it was', async () => {
    const original = await writeConfig(
      await fs.readFile(path.join(FIXTURES, 'other-servers.json')),
    );
    await fs.chmod(configFile, 0o444);

    const error = await companionError(cursor.addEntry(entry, {}, temp.ctx));

    expect(error.code).toBe('config_unwritable');
    expect(error.message).toContain(configFile);
    expect(await fs.readFile(configFile)).toEqual(original);
    expect((await fs.stat(configFile)).mode & 0o777).toBe(0o444);
    await expect(fs.access(backupPath(configFile))).rejects.toThrow();
  });

  it('refuses a file in a read-only folder and leaves it as it was', async () => {
    const original = await writeConfig('{ "mcpServers": {} }\n');
    await fs.chmod(path.dirname(configFile), 0o555);

    const error = await companionError(cursor.addEntry(entry, {}, temp.ctx));

    expect(error.code).toBe('config_unwritable');
    expect(error.message).toContain(configFile);
    expect(await fs.readFile(configFile)).toEqual(original);
  });

  it('refuses a path that is a folder', async () => {
    await fs.mkdir(configFile, { recursive: true });
    const error = await companionError(cursor.addEntry(entry, {}, temp.ctx));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain(configFile);
  });

  it('refuses a file that is not UTF-8 text, byte for byte unchanged', async () => {
    const original = await writeConfig(
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
    );
    const error = await companionError(cursor.addEntry(entry, {}, temp.ctx));
    expect(error.code).toBe('config_invalid');
    expect(await fs.readFile(configFile)).toEqual(original);
  });
});

describe('file properties', () => {
  it('keeps the mode of an existing file', async () => {
    await writeConfig('{}\n');
    await fs.chmod(configFile, 0o640);
    await cursor.addEntry(entry, {}, temp.ctx);
    expect((await fs.stat(configFile)).mode & 0o777).toBe(0o640);
  });

  it('edits the target of a symlink and keeps the link', async () => {
    const target = path.join(temp.home, 'dotfiles', 'cursor-mcp.json');
    const original = await writeConfig(
      await fs.readFile(path.join(FIXTURES, 'cursor-remote.json')),
      target,
    );
    await fs.mkdir(path.dirname(configFile), { recursive: true });
    await fs.symlink(target, configFile);

    await cursor.addEntry(entry, {}, temp.ctx);

    expect((await fs.lstat(configFile)).isSymbolicLink()).toBe(true);
    expect(await fs.readlink(configFile)).toBe(target);
    const servers = (await readJson(target)).mcpServers as Record<string, unknown>;
    expect(Object.keys(servers)).toEqual(['linear', 'local', 'splattr']);
    expect(await fs.readFile(backupPath(configFile))).toEqual(original);
  });

  it('creates the target of a dangling symlink and keeps the link', async () => {
    const target = path.join(temp.home, 'dotfiles', 'not-yet.json');
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.mkdir(path.dirname(configFile), { recursive: true });
    await fs.symlink(path.relative(path.dirname(configFile), target), configFile);

    await cursor.addEntry(entry, {}, temp.ctx);

    expect((await fs.lstat(configFile)).isSymbolicLink()).toBe(true);
    expect(await readJson(target)).toEqual({ mcpServers: { splattr: entry } });
  });

  it('writes the backup before its first change only, never over it', async () => {
    const original = await writeConfig(await fs.readFile(path.join(FIXTURES, 'comments.json')));
    await cursor.addEntry(entry, {}, temp.ctx);
    expect(await fs.readFile(backupPath(configFile))).toEqual(original);

    // The person edits the file; our later changes keep the first backup as it was.
    const edited = (await fs.readFile(configFile, 'utf8')).replace('"system"', '"dark"');
    await fs.writeFile(configFile, edited);
    await cursor.addEntry(buildBridgeEntry(LAUNCHER, 'conn-2'), {}, temp.ctx);

    expect(await fs.readFile(backupPath(configFile))).toEqual(original);
    expect(await fs.readFile(configFile, 'utf8')).toContain('"dark"');
  });

  it('takes over a lock left behind by an edit that crashed', async () => {
    await writeConfig('{}\n');
    const lock = `${configFile}.splattr-lock`;
    await fs.mkdir(lock);
    const past = new Date(Date.now() - 60_000);
    await fs.utimes(lock, past, past);

    await cursor.addEntry(entry, {}, temp.ctx);

    expect(await cursor.hasOurEntry('conn-1', temp.ctx)).toBe(true);
    await expect(fs.access(lock)).rejects.toThrow();
  });

  it('does not write at all when the entry is already there', async () => {
    await cursor.addEntry(entry, {}, temp.ctx);
    const before = await fs.stat(configFile);
    await cursor.addEntry(entry, {}, temp.ctx);
    expect((await fs.stat(configFile)).ino).toBe(before.ino);
  });
});

describe('whose entry it is', () => {
  it('refuses to overwrite a splattr server it did not write, then replaces it when asked', async () => {
    const original = await writeConfig(
      JSON.stringify({ mcpServers: { splattr: FOREIGN, other: { command: 'x' } } }, null, 2),
    );
    expect(await cursor.readEntry(temp.ctx)).toEqual({ kind: 'foreign' });

    const error = await companionError(cursor.addEntry(entry, {}, temp.ctx));
    expect(error.code).toBe('config_entry_conflict');
    expect(error.message).toContain('Cursor');
    expect(error.message).toContain(configFile);
    expect(error.message).toContain('replace it');
    expect(await fs.readFile(configFile)).toEqual(original);

    expect(await cursor.removeEntry({}, temp.ctx)).toBe(false);
    expect(await fs.readFile(configFile)).toEqual(original);

    await cursor.addEntry(entry, { replace: true }, temp.ctx);
    expect(await readJson()).toEqual({ mcpServers: { splattr: entry, other: { command: 'x' } } });
    expect(await cursor.hasOurEntry('conn-1', temp.ctx)).toBe(true);
  });

  it('updates its own entry for another connection, and removes only the named one', async () => {
    await cursor.addEntry(entry, {}, temp.ctx);
    const second = buildBridgeEntry(LAUNCHER, 'conn-2');
    await cursor.addEntry(second, {}, temp.ctx);
    expect(await cursor.readEntry(temp.ctx)).toEqual({
      kind: 'ours',
      entry: second,
      connectionId: 'conn-2',
    });

    expect(await cursor.removeEntry({ connectionId: 'conn-1' }, temp.ctx)).toBe(false);
    expect(await cursor.hasOurEntry('conn-2', temp.ctx)).toBe(true);
    expect(await cursor.removeEntry({ connectionId: 'conn-2' }, temp.ctx)).toBe(true);
    // The servers object it created stays, empty.
    expect(await readJson()).toEqual({ mcpServers: {} });
  });

  it('notices when the client rewrote its file without our entry', async () => {
    const file = claude.configPath(temp.ctx);
    await claude.addEntry(entry, {}, temp.ctx);
    expect(await claude.hasOurEntry('conn-1', temp.ctx)).toBe(true);
    expect(await claude.hasOurEntry('conn-other', temp.ctx)).toBe(false);

    // What Claude Desktop does when it saves its settings: its own JSON, our server gone.
    await fs.writeFile(file, JSON.stringify({ mcpServers: {}, globalShortcut: '' }, null, 2));
    expect(await claude.hasOurEntry('conn-1', temp.ctx)).toBe(false);
    expect(await claude.readEntry(temp.ctx)).toEqual({ kind: 'absent' });
  });
});

describe('concurrent edits', () => {
  const EDITOR = path.resolve(import.meta.dirname, '../../helpers/clients/editEntries.ts');

  /** Starts editors in other processes, lets them all go at once, waits for them to finish. */
  async function runEditors(file: string, prefixes: string[], action: 'add' | 'remove') {
    const children = prefixes.map((prefix) =>
      spawn(process.execPath, ['--import', 'tsx', EDITOR, file, prefix, '4', action], {
        stdio: ['pipe', 'pipe', 'inherit'],
      }),
    );
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            child.once('error', reject);
            readline
              .createInterface({ input: child.stdout! })
              .once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(line))));
          }),
      ),
    );
    const exits = children.map(
      (child) =>
        new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
    );
    for (const child of children) child.stdin!.end('go\n');
    return exits;
  }

  it('loses no change when several processes and calls edit the same file at once', async () => {
    const original = await writeConfig(
      await fs.readFile(path.join(FIXTURES, 'other-servers.json')),
    );
    const prefixes = ['alpha', 'beta', 'gamma'];

    const adding = await runEditors(configFile, prefixes, 'add');
    await Promise.all([
      cursor.addEntry(entry, {}, temp.ctx),
      ...[0, 1, 2].map((i) =>
        editConfigEntry(configFile, () => ({ command: `/bin/local-${i}` }), `local-${i}`),
      ),
    ]);
    expect(await Promise.all(adding)).toEqual([0, 0, 0]);

    const servers = (await readJson()).mcpServers as Record<string, unknown>;
    const expected = [
      'filesystem',
      'github',
      'splattr',
      ...[0, 1, 2].map((i) => `local-${i}`),
      ...prefixes.flatMap((p) => [0, 1, 2, 3].map((i) => `${p}-${i}`)),
    ];
    expect(Object.keys(servers).sort()).toEqual(expected.sort());

    const removing = await runEditors(configFile, prefixes, 'remove');
    await Promise.all([
      cursor.removeEntry({}, temp.ctx),
      ...[0, 1, 2].map((i) => editConfigEntry(configFile, () => undefined, `local-${i}`)),
    ]);
    expect(await Promise.all(removing)).toEqual([0, 0, 0]);

    // Everyone's additions and removals landed: the file is back to what it was, and with our
    // entry gone, so is the backup.
    expect(await fs.readFile(configFile)).toEqual(original);
    expect(await fs.readdir(path.dirname(configFile))).toEqual(['mcp.json']);
  });
});

describe('the backup, which holds the other servers and their secrets', () => {
  const SECRET_SERVERS = JSON.stringify(
    { mcpServers: { github: { command: 'gh-mcp', env: { GITHUB_TOKEN: 'ghp_not-ours' } } } },
    null,
    2,
  );

  it('is readable only by the user even when the config is readable by others', async () => {
    await writeConfig(SECRET_SERVERS);
    await fs.chmod(configFile, 0o644);

    await cursor.addEntry(entry, {}, temp.ctx);

    expect((await fs.stat(backupPath(configFile))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(configFile)).mode & 0o777).toBe(0o644);
  });

  it('made readable by an older version, it becomes private at our next change', async () => {
    const original = await writeConfig(SECRET_SERVERS);
    await fs.writeFile(backupPath(configFile), original, { mode: 0o644 });
    await fs.chmod(backupPath(configFile), 0o644);

    await cursor.addEntry(entry, {}, temp.ctx);

    expect((await fs.stat(backupPath(configFile))).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(backupPath(configFile))).toEqual(original);
  });

  it('leaves with our entry: after Remove the file is as it was and no copy of it remains', async () => {
    const original = await writeConfig(SECRET_SERVERS);
    await cursor.addEntry(entry, {}, temp.ctx);
    await fs.access(backupPath(configFile));

    expect(await cursor.removeEntry({}, temp.ctx)).toBe(true);

    expect(await fs.readFile(configFile)).toEqual(original);
    await expect(fs.access(backupPath(configFile))).rejects.toThrow();
    expect(await fs.readdir(path.dirname(configFile))).toEqual([path.basename(configFile)]);
  });

  it('stays while our entry does: a Remove that finds nothing of ours keeps it', async () => {
    const original = await writeConfig(SECRET_SERVERS);
    await cursor.addEntry(entry, {}, temp.ctx);

    expect(await cursor.removeEntry({ connectionId: 'another-connection' }, temp.ctx)).toBe(false);

    expect(await fs.readFile(backupPath(configFile))).toEqual(original);
  });

  it("stays when our entry had replaced one of the person's own, the one copy of it", async () => {
    const theirs = await writeConfig(
      JSON.stringify({ mcpServers: { splattr: { url: 'https://example.test/mcp' } } }, null, 2),
    );
    await cursor.addEntry(entry, { replace: true }, temp.ctx);

    await cursor.removeEntry({}, temp.ctx);

    expect(await fs.readFile(backupPath(configFile))).toEqual(theirs);
    expect((await fs.stat(backupPath(configFile))).mode & 0o777).toBe(0o600);
  });
});
