/**
 * Which MCP revisions the sandbox speaks: `legacy` is 2025-11-25 and earlier (initialize,
 * sessions, the GET stream), `modern` is the stateless 2026-07-28, `dual` serves both on one
 * endpoint, choosing per request (versioning.mdx, "A dual-era server selects its behavior from how
 * the client opens"). Its own module, free of imports, so `npm run sandbox` checks `--era` at once.
 */
export const MCP_ERAS = ['legacy', 'modern', 'dual'] as const;
export type McpEra = (typeof MCP_ERAS)[number];
