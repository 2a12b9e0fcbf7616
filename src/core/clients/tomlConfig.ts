import { parse, patch, stringify } from '@decimalturn/toml-patch';
import { CompanionError } from '../../shared/errors';
import { isObject, notServers, unparsable, type ConfigFormat } from './configFile';

/*
 * TOML configs (Codex CLI's config.toml), edited with @decimalturn/toml-patch. Compared on
 * real Codex-shaped files before choosing:
 * - @decimalturn/toml-patch (pure TypeScript, no dependencies, maintained, TOML 1.1, tested
 *   against toml-test): keeps comments, order, CRLF and a BOM when it changes or removes a
 *   value; removing our entry gives the original bytes back. Only its placement of a new server
 *   is not used (see appendSection).
 * - Rust's toml_edit compiled to WebAssembly (@rainbowatcher/toml-edit-js, @shopify/toml-patch),
 *   the library Codex itself uses: both turn CRLF into LF throughout the file, and
 *   @shopify/toml-patch dropped the other servers of an inline `mcp_servers = { … }` table.
 * - smol-toml, @iarna/toml, toml: parse and print only, losing comments and layout.
 */

const SERVERS_KEY = 'mcp_servers';
/** `mcp_servers = { … }`: servers kept in one inline table, which no section may extend. */
const INLINE_SERVERS = /^[\t ]*mcp_servers[\t ]*=/m;

/** Servers are tables under `mcp_servers`; the value we write is a table too. */
export const tomlFormat: ConfigFormat = {
  read: (text, file, key) => servers(parseToml(text, file), file)?.[key],
  write(text, file, key, value) {
    const root = parseToml(text, file);
    const current = servers(root, file);
    if (value !== undefined && current?.[key] === undefined && !INLINE_SERVERS.test(text)) {
      return appendSection(text, key, value);
    }
    const next = { ...current };
    if (value === undefined) delete next[key];
    else next[key] = value;
    return patch(text, { ...root, [SERVERS_KEY]: next });
  },
};

/**
 * A new server goes at the end of the file as its own `[mcp_servers.<name>]` section, as
 * Codex's docs write them. toml-patch would put it among the root keys instead, where the
 * comment above the next table becomes its own and later leaves with it.
 */
function appendSection(text: string, key: string, value: unknown): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const body = stringify(value, { inlineTableStart: 0, newLine: eol });
  // A bare key when TOML allows one, else a quoted one (JSON's escapes are TOML's too).
  const name = /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
  const section = `[${SERVERS_KEY}.${name}]${eol}${body}`;
  if (text.trim() === '') return section;
  return `${text}${text.endsWith('\n') ? '' : eol}${eol}${section}`;
}

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
