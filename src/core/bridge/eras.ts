import type { RequestId } from '@modelcontextprotocol/sdk/types.js';

/**
 * The two eras of MCP (2026-07-28 basic/versioning.mdx): legacy revisions open a session with
 * `initialize`; modern ones (2026-07-28 on) are stateless, each request carrying its version,
 * the client's identity and capabilities in `_meta`.
 */
export type Era = 'legacy' | 'modern';

export const MODERN_VERSION = '2026-07-28';
/** What the bridge asks a legacy-only Splattr for, on behalf of a modern client. */
export const LEGACY_VERSION = '2025-11-25';

export const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
} as const;

/** The errors only a modern server sends: one of them identifies a modern server. */
export const MODERN_ERRORS = {
  headerMismatch: -32020,
  missingRequiredClientCapability: -32021,
  unsupportedProtocolVersion: -32022,
} as const;

export function isModernError(code: unknown): boolean {
  return Object.values(MODERN_ERRORS).includes(code as never);
}

/** What a modern POST must say in headers (Streamable HTTP, Standard Request Headers). */
export interface ModernHeaders {
  protocolVersion: string;
  /** `Mcp-Name`: the tool or prompt name, or the resource URI, for the methods that have one. */
  name?: string;
}

/** The modern request fields a client put in `_meta`, when it is a modern client. */
export function modernVersionOf(params: { _meta?: unknown } | undefined): string | undefined {
  const version = (params?._meta as Record<string, unknown> | undefined)?.[META.protocolVersion];
  return typeof version === 'string' ? version : undefined;
}

export function nameHeaderOf(method: string | undefined, params: Record<string, unknown> = {}) {
  const field =
    method === 'tools/call' || method === 'prompts/get'
      ? 'name'
      : method === 'resources/read'
        ? 'uri'
        : undefined;
  const value = field ? params[field] : undefined;
  return typeof value === 'string' ? value : undefined;
}

/**
 * A header value as the transport's Value Encoding has it: as is when it is visible ASCII
 * without leading or trailing space, otherwise Base64 between `=?base64?` and `?=`.
 */
export function headerValue(value: string): string {
  return /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value)
    ? value
    : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

/** A JSON-RPC request, as the bridge writes its own. */
export function requestBytes(id: RequestId, method: string, params: object): Buffer {
  return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
}
