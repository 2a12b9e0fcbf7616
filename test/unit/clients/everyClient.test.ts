import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBridgeEntry } from '../../../src/core/bridgeEntry';
import { backupPath, clients } from '../../../src/core/clients';
import type { ClientId } from '../../../src/shared/clients';
import { companionError } from '../../helpers/companionError';
import { LAUNCHER, makeTempHome, type TempHome } from '../../helpers/clients/tempHome';

/*
 * The guarantees every client module gives, whatever its format: run for each client, with a
 * config in that client's own format. Claude Code's CLI is not on the test's PATH here, so its
 * file is edited directly (the CLI path is tested against the real Claude Code elsewhere).
 */

const entry = buildBridgeEntry(LAUNCHER, 'conn-1');
const FOREIGN = { command: 'npx', args: ['-y', '@splattr/mcp-server'] };
const OTHER = { command: '/usr/local/bin/other-mcp', args: ['--stdio'] };

const SERVERS_KEY: Partial<Record<ClientId, string>> = {
  vscode: 'servers',
  'vscode-insiders': 'servers',
  zed: 'context_servers',
};

/** A config in the client's format holding these servers, written the way a person would. */
function configText(id: ClientId, servers: Record<string, { command: string; args: string[] }>) {
  if (id === 'codex') {
    return Object.entries(servers)
      .map(
        ([name, s]) =>
          `# ${name}\n[mcp_servers.${name}]\ncommand = ${JSON.stringify(s.command)}\nargs = ${JSON.stringify(s.args)}\n`,
      )
      .join('\n');
  }
  return `// edited by hand\n${JSON.stringify({ [SERVERS_KEY[id] ?? 'mcpServers']: servers }, null, 2)}\n`;
}

describe.each(clients.map((client) => ({ id: client.id, client })))('$id', ({ id, client }) => {
  let temp: TempHome;
  let file: string;
  beforeEach(async () => {
    temp = await makeTempHome();
    file = client.configPath(temp.ctx);
  });
  afterEach(() => temp.cleanup());

  async function write(text: string): Promise<Buffer> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, text);
    return fs.readFile(file);
  }

  it('creates a missing config and its folder, private to the user', async () => {
    await client.addEntry(entry, {}, temp.ctx);
    expect(await client.readEntry(temp.ctx)).toEqual({
      kind: 'ours',
      entry,
      connectionId: 'conn-1',
    });
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('keeps the mode, the other servers and one backup of the original', async () => {
    const original = await write(configText(id, { other: OTHER }));
    await fs.chmod(file, 0o640);

    await client.addEntry(entry, {}, temp.ctx);
    await client.addEntry(buildBridgeEntry(LAUNCHER, 'conn-2'), {}, temp.ctx);

    expect((await fs.stat(file)).mode & 0o777).toBe(0o640);
    expect(await fs.readFile(backupPath(file))).toEqual(original);
    expect(await client.hasOurEntry('conn-2', temp.ctx)).toBe(true);
    expect(await client.removeEntry({}, temp.ctx)).toBe(true);
    expect(await fs.readFile(file)).toEqual(original);
  });

  it('edits the target of a symlink and keeps the link', async () => {
    const target = path.join(temp.home, 'dotfiles', path.basename(file));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, configText(id, { other: OTHER }));
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.symlink(target, file);

    await client.addEntry(entry, {}, temp.ctx);

    expect((await fs.lstat(file)).isSymbolicLink()).toBe(true);
    expect(await client.hasOurEntry('conn-1', temp.ctx)).toBe(true);
    expect(await fs.readFile(target, 'utf8')).toContain('other-mcp');
  });

  it('refuses a read-only config with its path and leaves it as it was', async () => {
    const original = await write(configText(id, { other: OTHER }));
    await fs.chmod(file, 0o444);

    const error = await companionError(client.addEntry(entry, {}, temp.ctx));

    expect(error.code).toBe('config_unwritable');
    expect(error.message).toContain(file);
    expect(await fs.readFile(file)).toEqual(original);
  });

  it('refuses a config that does not parse, saying where, and leaves it as it was', async () => {
    const broken = configText(id, { other: OTHER }).replace('other-mcp"', 'other-mcp');
    const original = await write(broken);

    const error = await companionError(client.addEntry(entry, { replace: true }, temp.ctx));

    expect(error.code).toBe('config_invalid');
    expect(error.message).toMatch(
      new RegExp(`^${escape(file)} could not be read: .* at line \\d+, column \\d+\\.`),
    );
    expect(await fs.readFile(file)).toEqual(original);
  });

  it('refuses to overwrite a splattr server it did not write, naming the file, unless replacing', async () => {
    const original = await write(configText(id, { splattr: FOREIGN, other: OTHER }));
    expect(await client.readEntry(temp.ctx)).toEqual({ kind: 'foreign' });

    const error = await companionError(client.addEntry(entry, {}, temp.ctx));
    expect(error.code).toBe('config_entry_conflict');
    expect(error.message).toContain(client.name);
    expect(error.message).toContain(file);
    expect(await client.removeEntry({}, temp.ctx)).toBe(false);
    expect(await fs.readFile(file)).toEqual(original);

    await client.addEntry(entry, { replace: true }, temp.ctx);
    expect(await client.hasOurEntry('conn-1', temp.ctx)).toBe(true);
    expect(await fs.readFile(file, 'utf8')).toContain('other-mcp');
  });

  it('notices when its entry was dropped, and puts it back', async () => {
    await write(configText(id, { other: OTHER }));
    await client.addEntry(entry, {}, temp.ctx);
    expect(await client.hasOurEntry('conn-1', temp.ctx)).toBe(true);

    // The client (or the person) saved the file without our server.
    await fs.writeFile(file, configText(id, { other: OTHER }));
    expect(await client.hasOurEntry('conn-1', temp.ctx)).toBe(false);

    await client.addEntry(entry, {}, temp.ctx);
    expect(await client.hasOurEntry('conn-1', temp.ctx)).toBe(true);
    expect(await fs.readFile(file, 'utf8')).toContain('other-mcp');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
