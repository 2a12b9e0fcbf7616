import fs from 'node:fs/promises';
import path from 'node:path';
import { parse, visit } from 'jsonc-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBridgeEntry } from '../../../src/core/bridgeEntry';
import { backupPath, getClient, type McpClient } from '../../../src/core/clients';
import type { ClientId } from '../../../src/shared/clients';
import { expectRefusedUnchanged } from '../../helpers/clients/refusal';
import { FIXTURES, LAUNCHER, makeTempHome, type TempHome } from '../../helpers/clients/tempHome';

const entry = buildBridgeEntry(LAUNCHER, 'conn-corpus');

/**
 * Every client with a JSON(C) config, where it keeps its servers and how it spells our entry.
 * The corpus is written with `mcpServers`; for VS Code and Zed it is read with their key instead.
 * Claude Code is edited as a file here: its CLI is not on the test's PATH.
 */
const JSON_CLIENTS: { id: ClientId; serversKey: string; written: Record<string, unknown> }[] = [
  { id: 'claude-desktop', serversKey: 'mcpServers', written: { ...entry } },
  { id: 'cursor', serversKey: 'mcpServers', written: { ...entry } },
  { id: 'claude-code', serversKey: 'mcpServers', written: { type: 'stdio', ...entry } },
  { id: 'vscode', serversKey: 'servers', written: { type: 'stdio', ...entry } },
  { id: 'vscode-insiders', serversKey: 'servers', written: { type: 'stdio', ...entry } },
  { id: 'windsurf', serversKey: 'mcpServers', written: { ...entry } },
  { id: 'gemini-cli', serversKey: 'mcpServers', written: { ...entry } },
  { id: 'zed', serversKey: 'context_servers', written: { source: 'custom', ...entry } },
  { id: 'lm-studio', serversKey: 'mcpServers', written: { ...entry } },
];

interface ValidFixture {
  file: string;
  /** The file's indent unit; undefined for a file kept on one line. */
  indent?: string;
  crlf?: boolean;
  bom?: boolean;
  /** How many comments it holds (each must survive). */
  comments?: number;
  /** Removing our entry gives back the original bytes (it had other servers already). */
  roundTrips: boolean;
}

const TWO = '  ';
const VALID: ValidFixture[] = [
  { file: 'other-servers.json', indent: TWO, roundTrips: true },
  { file: 'comments.json', indent: TWO, comments: 4, roundTrips: true },
  { file: 'trailing-commas.json', indent: TWO, roundTrips: true },
  { file: 'bom.json', indent: TWO, bom: true, roundTrips: true },
  { file: 'crlf.json', indent: TWO, crlf: true, roundTrips: true },
  { file: 'tabs.json', indent: '\t', roundTrips: true },
  { file: 'four-spaces.json', indent: '    ', roundTrips: true },
  { file: 'bom-crlf-tabs.json', indent: '\t', crlf: true, bom: true, roundTrips: true },
  { file: 'compact.json', roundTrips: true },
  { file: 'cursor-remote.json', indent: TWO, roundTrips: true },
  { file: 'empty.json', indent: TWO, roundTrips: false },
  { file: 'empty-object.json', indent: TWO, roundTrips: false },
  { file: 'empty-servers.json', indent: TWO, roundTrips: false },
  { file: 'unrelated-keys.json', indent: TWO, roundTrips: false },
];

const INVALID = [
  { file: 'invalid-missing-comma.json', says: 'comma expected at line 4, column 5' },
  { file: 'invalid-truncated.json', says: 'close brace expected at line 4, column 1' },
  { file: 'invalid-servers-array.json', says: '"mcpServers"' },
  { file: 'invalid-servers-string.json', says: '"mcpServers"' },
  { file: 'invalid-root-array.json', says: 'does not hold a JSON object' },
];

const BOM = '\uFEFF';

function parseConfig(bytes: Buffer): Record<string, unknown> {
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  return (parse(text.trim() === '' ? '{}' : text, [], { allowTrailingComma: true }) ??
    {}) as Record<string, unknown>;
}

function comments(text: string): string[] {
  const found: string[] = [];
  visit(text, { onComment: (offset, length) => found.push(text.slice(offset, offset + length)) });
  return found;
}

/** True when `after` is `before` with one run of bytes inserted and nothing else touched. */
function isPureInsertion(before: Buffer, after: Buffer): boolean {
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  const rest = before.subarray(prefix);
  return after.subarray(after.length - rest.length).equals(rest);
}

describe.each(JSON_CLIENTS)('$id', ({ id, serversKey, written }) => {
  const client: McpClient = getClient(id);
  let temp: TempHome;
  let configFile: string;
  beforeEach(async () => {
    temp = await makeTempHome();
    configFile = client.configPath(temp.ctx);
    await fs.mkdir(path.dirname(configFile), { recursive: true });
  });
  afterEach(() => temp.cleanup());

  /** A corpus file as this client would have it: its own servers key. */
  async function fixtureBytes(file: string): Promise<Buffer> {
    const text = await fs.readFile(path.join(FIXTURES, file), 'utf8');
    return Buffer.from(text.replaceAll('"mcpServers"', JSON.stringify(serversKey)), 'utf8');
  }

  function withoutOurEntry(config: Record<string, unknown>): Record<string, unknown> {
    const servers = { ...(config[serversKey] as Record<string, unknown> | undefined) };
    delete servers.splattr;
    return { ...config, [serversKey]: servers };
  }

  describe.each(VALID)('a valid config: $file', (fixture) => {
    it('gains our entry and keeps every other byte, comment and style', async () => {
      const original = await fixtureBytes(fixture.file);
      await fs.writeFile(configFile, original);

      await client.addEntry(entry, {}, temp.ctx);

      const after = await fs.readFile(configFile);
      const before = parseConfig(original);
      const now = parseConfig(after);
      expect((now[serversKey] as Record<string, unknown>).splattr).toEqual(written);
      expect(withoutOurEntry(now)).toEqual({ ...before, [serversKey]: before[serversKey] ?? {} });
      if (original.length > 0) expect(isPureInsertion(original, after)).toBe(true);

      const text = after.toString('utf8');
      expect(text.startsWith(BOM)).toBe(fixture.bom === true);
      expect(comments(original.toString('utf8'))).toHaveLength(fixture.comments ?? 0);
      expect(comments(text)).toEqual(comments(original.toString('utf8')));
      if (fixture.crlf) expect(text).not.toMatch(/[^\r]\n/);
      else expect(text).not.toContain('\r');
      if (fixture.indent === undefined) {
        expect(text).not.toContain('\n');
      } else {
        // Our entry sits three levels deep (root → mcpServers → splattr), in the file's own indent.
        const commandLine = text.split(/\r?\n/).find((line) => line.includes('"command": "/opt/'));
        expect(commandLine).toBe(
          `${fixture.indent.repeat(3)}"command": ${JSON.stringify(entry.command)},`,
        );
      }

      expect(await client.readEntry(temp.ctx)).toEqual({
        kind: 'ours',
        entry,
        connectionId: 'conn-corpus',
      });
      expect(await fs.readFile(backupPath(configFile))).toEqual(original);
    });

    it('loses only our entry when it is removed again', async () => {
      const original = await fixtureBytes(fixture.file);
      await fs.writeFile(configFile, original);
      await client.addEntry(entry, {}, temp.ctx);

      expect(await client.removeEntry({}, temp.ctx)).toBe(true);

      const after = await fs.readFile(configFile);
      if (fixture.roundTrips) {
        expect(after).toEqual(original);
      } else {
        // The servers object we created stays, empty.
        const before = parseConfig(original);
        expect(parseConfig(after)).toEqual({ ...before, [serversKey]: {} });
      }
      expect(await client.readEntry(temp.ctx)).toEqual({ kind: 'absent' });
    });
  });

  describe.each(INVALID)('an invalid config: $file', ({ file, says }) => {
    it('is refused with its path and where it is wrong, and left byte for byte', async () => {
      const original = await fixtureBytes(file);
      await fs.writeFile(configFile, original);

      const message = says.replace('"mcpServers"', JSON.stringify(serversKey));
      await expectRefusedUnchanged(client, entry, temp.ctx, original, message);
    });
  });
});
