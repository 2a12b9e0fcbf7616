/**
 * Splattr's production MCP endpoint. Change it here (or set SPLATTR_MCP_URL, or the app's
 * advanced setting) to point the app at another Splattr.
 */
export const DEFAULT_SPLATTR_MCP_URL = 'https://mcp.splattr.com/mcp';

/**
 * Where Splattr hosts `resources/client-metadata.json`, the app's Client ID Metadata Document:
 * the client id servers that support CIMD get. Deployments hosting their own copy override it
 * (SPLATTR_CLIENT_METADATA_URL, or the app's advanced setting); the copy's `client_id` must be
 * its own URL.
 */
export const DEFAULT_CLIENT_METADATA_URL = 'https://mcp.splattr.com/companion/client-metadata.json';

/** The name of our entry in every client's `mcpServers`. */
export const CONFIG_ENTRY_KEY = 'splattr';

/** The keychain service under which every connection's tokens are stored. */
export const KEYCHAIN_SERVICE = 'splattr-companion';
