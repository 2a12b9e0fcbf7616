import { execFile } from 'node:child_process';
import { isDeepStrictEqual, promisify } from 'node:util';
import { CompanionError } from '../../shared/errors';
import { CONFIG_ENTRY_KEY } from '../../shared/server';
import { prepareOutsideEdit } from './configFile';
import { onPath, resolveContext, type ClientContext, type ResolvedContext } from './context';
import { defineClient, entryConflict } from './defineClient';
import type { BridgeEntry } from '../bridgeEntry';
import type { McpClient } from './types';

const run = promisify(execFile);
const CLI_TIMEOUT_MS = 60_000;

/** `$CLAUDE_CONFIG_DIR` moves everything Claude Code keeps, .claude.json included. */
function configDir(c: ResolvedContext): string | undefined {
  const value = c.env.CLAUDE_CONFIG_DIR;
  return value && c.path.isAbsolute(value) ? value : undefined;
}

/** Where `claude` is: PATH, then the places its installers put it. */
function cliLocations(c: ResolvedContext): string[] {
  if (c.platform === 'win32') {
    // Only the native installer's claude.exe: npm's claude.cmd cannot be run without a shell.
    return [c.path.join(c.home, '.local', 'bin', 'claude.exe')];
  }
  return [
    ...onPath(c, 'claude'),
    // The native installer, and the older `claude migrate-installer` local install.
    c.path.join(c.home, '.local', 'bin', 'claude'),
    c.path.join(c.home, '.claude', 'local', 'claude'),
  ];
}

const toConfig = (entry: BridgeEntry) => ({ type: 'stdio', ...entry });

/** Claude Code as a file-editing client: used when its CLI cannot be found. */
const fileClient = defineClient({
  id: 'claude-code',
  needsRestartAfterChange: true,
  // User scope: `mcpServers` at the top of ~/.claude.json, beside everything else Claude Code keeps.
  configPath: (c) => c.path.join(configDir(c) ?? c.home, '.claude.json'),
  toConfig,
  appLocations: cliLocations,
  dataFolder: (c) => configDir(c) ?? c.path.join(c.home, '.claude'),
  // The native install runs as `claude`; an npm install runs as `node` and is not seen.
  processNames: { darwin: ['claude'], linux: ['claude'] },
});

/**
 * Claude Code rewrites ~/.claude.json itself while it runs (counters, project history), so an
 * edit of ours could be lost to its next save. When its CLI is found, the CLI makes the change
 * (`claude mcp add-json -s user`, `claude mcp remove -s user`) and Claude Code's own writer
 * keeps the file consistent; it re-serialises the whole file, as it does on every run. Before
 * that, this module refuses what it would refuse for any config (unparsable, read-only,
 * someone else's `splattr`) and keeps the same one backup. Without the CLI, the file is edited
 * directly like every other JSON config.
 */
export const claudeCode: McpClient = {
  ...fileClient,
  async addEntry(entry, options = {}, ctx) {
    const cli = findCli(ctx);
    if (!cli) return fileClient.addEntry(entry, options, ctx);
    const state = await fileClient.readEntry(ctx);
    const file = fileClient.configPath(ctx);
    if (state.kind === 'foreign' && !options.replace) throw entryConflict(fileClient.name, file);
    if (state.kind === 'ours' && sameEntry(state.entry, entry)) return;
    await prepareOutsideEdit(file);
    // add-json refuses a name that exists, so a replaced or updated entry is removed first.
    if (state.kind !== 'absent') {
      await runCli(cli, ['mcp', 'remove', '-s', 'user', CONFIG_ENTRY_KEY], ctx);
    }
    await runCli(
      cli,
      ['mcp', 'add-json', '-s', 'user', CONFIG_ENTRY_KEY, JSON.stringify(toConfig(entry))],
      ctx,
    );
  },
  async removeEntry(options = {}, ctx) {
    const cli = findCli(ctx);
    if (!cli) return fileClient.removeEntry(options, ctx);
    const state = await fileClient.readEntry(ctx);
    if (state.kind !== 'ours') return false;
    if (options.connectionId !== undefined && state.connectionId !== options.connectionId) {
      return false;
    }
    await prepareOutsideEdit(fileClient.configPath(ctx));
    await runCli(cli, ['mcp', 'remove', '-s', 'user', CONFIG_ENTRY_KEY], ctx);
    return true;
  },
};

function findCli(ctx?: ClientContext): string | undefined {
  const c = resolveContext(ctx);
  return cliLocations(c).find((p) => c.exists(p));
}

function sameEntry(a: BridgeEntry, b: BridgeEntry): boolean {
  return isDeepStrictEqual({ ...a, env: a.env ?? {} }, { ...b, env: b.env ?? {} });
}

/** Runs `claude` without a shell, in the environment whose HOME it is to change. */
async function runCli(cli: string, args: string[], ctx?: ClientContext): Promise<void> {
  const { env } = resolveContext(ctx);
  try {
    await run(cli, args, { env, timeout: CLI_TIMEOUT_MS, windowsHide: true });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new CompanionError(
      'config_unwritable',
      `Claude Code could not change its MCP servers (${cli} ${args.slice(0, 4).join(' ')}${stderr ? `: ${stderr}` : ''}). Try the same command in a terminal to see why.`,
      { cause: error },
    );
  }
}
