import { parse, patch } from '@decimalturn/toml-patch';
import { CompanionError } from '../../shared/errors';
import { isObject, notServers, unparsable, type ConfigFormat } from './configFile';

/*
 * TOML configs (Codex CLI's config.toml), edited with @decimalturn/toml-patch. Compared on
 * real Codex-shaped files before choosing:
 * - @decimalturn/toml-patch (pure TypeScript, no dependencies, maintained, TOML 1.1, tested
 *   against toml-test): keeps comments, order, CRLF and a BOM; removing our entry gives the
 *   original bytes back. A new server goes where TOML allows it without moving anything
 *   (as `mcp_servers.splattr = { … }` when the file already has `[mcp_servers.x]` tables).
 * - Rust's toml_edit compiled to WebAssembly (@rainbowatcher/toml-edit-js, @shopify/toml-patch):
 *   nicer placement, but both turn CRLF into LF throughout the file, and @shopify/toml-patch
 *   dropped the other servers of an inline `mcp_servers = { … }` table.
 * - smol-toml, @iarna/toml, toml: parse and print only, losing comments and layout.
 */

const SERVERS_KEY = 'mcp_servers';

/** Servers are tables under `mcp_servers`; the value we write is a table too. */
export const tomlFormat: ConfigFormat = {
  read: (text, file, key) => servers(parseToml(text, file), file)?.[key],
  write(text, file, key, value) {
    const root = parseToml(text, file);
    const next = { ...servers(root, file) };
    if (value === undefined) delete next[key];
    else next[key] = value;
    const edited = patch(text, { ...root, [SERVERS_KEY]: next });
    // A file we create ends with a newline like any other; an existing one keeps its own ending.
    return text.trim() === '' && edited !== '' && !edited.endsWith('\n') ? `${edited}\n` : edited;
  },
};

function parseToml(text: string, file: string): Record<string, unknown> {
  try {
    return parse(text) as Record<string, unknown>;
  } catch (error) {
    const { line, column, message } = error as { line?: number; column?: number; message: string };
    if (line === undefined || column === undefined) {
      throw new CompanionError(
        'config_invalid',
        `${file} could not be read as TOML. It was left unchanged; fix the file, then try again.`,
        { cause: error },
      );
    }
    // toml-patch's message is "Error parsing TOML (line, column):", the line, a caret, the problem.
    const problem = message.split('\n').pop()?.trim() || 'invalid TOML';
    // Its column counts from 0.
    throw unparsable(file, problem.charAt(0).toLowerCase() + problem.slice(1), line, column + 1);
  }
}

function servers(root: Record<string, unknown>, file: string): Record<string, unknown> | undefined {
  const value = root[SERVERS_KEY];
  if (value !== undefined && !isObject(value)) throw notServers(file, SERVERS_KEY, 'a table');
  return value as Record<string, unknown> | undefined;
}
