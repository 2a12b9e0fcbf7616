import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from '@decimalturn/toml-patch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBridgeEntry } from '../../../src/core/bridgeEntry';
import { backupPath, getClient } from '../../../src/core/clients';
import { expectRefusedUnchanged } from '../../helpers/clients/refusal';
import { LAUNCHER, makeTempHome, type TempHome } from '../../helpers/clients/tempHome';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/configs-toml');
const codex = getClient('codex');
const entry = buildBridgeEntry(LAUNCHER, 'conn-toml');

interface ValidFixture {
  file: string;
  crlf?: boolean;
  bom?: boolean;
  /** Removing our entry gives back the original bytes (it had a servers table already). */
  roundTrips: boolean;
  /** The one byte a removal cannot take back: the line end our section needed before it. */
  keepsNewline?: boolean;
}

const VALID: ValidFixture[] = [
  { file: 'other-servers.toml', roundTrips: true },
  { file: 'crlf.toml', crlf: true, roundTrips: true },
  { file: 'bom.toml', bom: true, roundTrips: true },
  { file: 'tabs.toml', roundTrips: true },
  { file: 'unknown-keys.toml', roundTrips: true },
  { file: 'servers-header.toml', roundTrips: true },
  { file: 'dotted.toml', roundTrips: true },
  { file: 'inline-servers.toml', roundTrips: true },
  { file: 'no-final-newline.toml', roundTrips: true, keepsNewline: true },
  { file: 'empty.toml', roundTrips: false },
  { file: 'no-servers.toml', roundTrips: false },
];

const INVALID = [
  { file: 'invalid-table-header.toml', says: 'at line 4, column 1' },
  {
    file: 'invalid-duplicate-key.toml',
    says: 'value already defined for model at line 2, column 1',
  },
  { file: 'invalid-string.toml', says: 'at line 2, column 21' },
  { file: 'invalid-servers-string.toml', says: '"mcp_servers" in' },
];

type Table = Record<string, unknown>;

/** The file as plain data (dates as ISO strings), for comparing what it means. */
function meaning(bytes: Buffer): Table {
  return JSON.parse(JSON.stringify(parse(bytes.toString('utf8').replace(/^\uFEFF/, '')))) as Table;
}

function withoutOurEntry(config: Table): Table {
  const servers = { ...(config.mcp_servers as Table | undefined) };
  delete servers.splattr;
  return { ...config, mcp_servers: servers };
}

/** The comment lines, in order: each must survive. */
function comments(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => /^\s*#/.test(line) || / # /.test(line));
}

/** True when `after` is `before` with one run of bytes inserted and nothing else touched. */
function isPureInsertion(before: Buffer, after: Buffer): boolean {
  let prefix = 0;
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++;
  const rest = before.subarray(prefix);
  return after.subarray(after.length - rest.length).equals(rest);
}

let temp: TempHome;
let configFile: string;
beforeEach(async () => {
  temp = await makeTempHome();
  configFile = codex.configPath(temp.ctx);
  await fs.mkdir(path.dirname(configFile), { recursive: true });
});
afterEach(() => temp.cleanup());

describe.each(VALID)('a valid config.toml: $file', (fixture) => {
  it('gains [mcp_servers.splattr] and keeps every other byte, comment and style', async () => {
    const original = await fs.readFile(path.join(FIXTURES, fixture.file));
    await fs.writeFile(configFile, original);

    await codex.addEntry(entry, {}, temp.ctx);

    const after = await fs.readFile(configFile);
    const now = meaning(after);
    expect((now.mcp_servers as Table).splattr).toEqual(entry);
    const before = meaning(original);
    expect(withoutOurEntry(now)).toEqual({ ...before, mcp_servers: before.mcp_servers ?? {} });
    if (original.length > 0) expect(isPureInsertion(original, after)).toBe(true);

    const text = after.toString('utf8');
    expect(text.startsWith('\uFEFF')).toBe(fixture.bom === true);
    expect(comments(text)).toEqual(comments(original.toString('utf8')));
    if (fixture.crlf) expect(text).not.toMatch(/[^\r]\n/);
    else expect(text).not.toContain('\r');

    expect(await codex.readEntry(temp.ctx)).toEqual({
      kind: 'ours',
      entry,
      connectionId: 'conn-toml',
    });
    if (original.length > 0) expect(await fs.readFile(backupPath(configFile))).toEqual(original);
  });

  it('loses only our entry when it is removed again', async () => {
    const original = await fs.readFile(path.join(FIXTURES, fixture.file));
    await fs.writeFile(configFile, original);
    await codex.addEntry(entry, {}, temp.ctx);

    expect(await codex.removeEntry({}, temp.ctx)).toBe(true);

    const after = await fs.readFile(configFile);
    if (fixture.roundTrips) {
      expect(after.toString('utf8')).toBe(
        `${original.toString('utf8')}${fixture.keepsNewline ? '\n' : ''}`,
      );
    } else {
      // The [mcp_servers] table we created stays, empty.
      expect(meaning(after)).toEqual({ ...meaning(original), mcp_servers: {} });
    }
    expect(await codex.readEntry(temp.ctx)).toEqual({ kind: 'absent' });
  });
});

describe.each(INVALID)('an invalid config.toml: $file', ({ file, says }) => {
  it('is refused with its path and where it is wrong, and left byte for byte', async () => {
    const original = await fs.readFile(path.join(FIXTURES, file));
    await fs.writeFile(configFile, original);

    await expectRefusedUnchanged(codex, entry, temp.ctx, original, says);
  });
});

describe('a new config.toml', () => {
  it('is created with its folder, private to the user, holding our table', async () => {
    await fs.rm(path.dirname(configFile), { recursive: true });

    await codex.addEntry(entry, {}, temp.ctx);

    const text = await fs.readFile(configFile, 'utf8');
    expect(meaning(Buffer.from(text))).toEqual({ mcp_servers: { splattr: entry } });
    expect(text).toContain('[mcp_servers.splattr]\n');
    expect(text.endsWith('\n')).toBe(true);
    expect((await fs.stat(configFile)).mode & 0o777).toBe(0o600);
  });

  it('is found under CODEX_HOME when it is set', async () => {
    const home = path.join(temp.home, 'codex-home');
    const ctx = { ...temp.ctx, env: { ...temp.ctx.env, CODEX_HOME: home } };
    await codex.addEntry(entry, {}, ctx);
    expect(meaning(await fs.readFile(path.join(home, 'config.toml')))).toEqual({
      mcp_servers: { splattr: entry },
    });
  });
});
