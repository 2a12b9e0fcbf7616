/**
 * Splattr's production MCP endpoint. Change it here (or set SPLATTR_MCP_URL, or the app's
 * advanced setting) to point the app at another Splattr.
 */
export const DEFAULT_SPLATTR_MCP_URL = 'https://mcp.splattr.com/mcp';

/** The name of our entry in every client's `mcpServers`. */
export const CONFIG_ENTRY_KEY = 'splattr';

/** The keychain service under which every connection's tokens are stored. */
export const KEYCHAIN_SERVICE = 'splattr-companion';
