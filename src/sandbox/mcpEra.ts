import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { Request } from 'express';
import type { McpEra } from './eras';

export const MODERN_VERSIONS = ['2026-07-28'] as const;
export const LEGACY_VERSIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;

/** Every version the endpoint accepts in this era, newest first, as errors list them. */
export function supportedVersions(era: McpEra): string[] {
  if (era === 'legacy') return [...LEGACY_VERSIONS];
  if (era === 'modern') return [...MODERN_VERSIONS];
  return [...MODERN_VERSIONS, ...LEGACY_VERSIONS];
}

export const META = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
  subscriptionId: 'io.modelcontextprotocol/subscriptionId',
} as const;

/**
 * How a dual-era endpoint tells the eras apart. A GET/DELETE or `initialize` is legacy traffic;
 * a request carrying modern `_meta` is modern — even with a left-over `Mcp-Session-Id`, which
 * modern servers ignore (versioning.mdx: "A request carrying modern per-request `_meta` is served
 * statelessly"). Otherwise a session header is legacy, the modern-only `Mcp-Method` header or a
 * version no legacy revision has is modern, and anything else is legacy, which answers it the
 * way a 2025-11-25 server does.
 */
export function requestEra(req: Request): 'legacy' | 'modern' {
  if (req.method !== 'POST') return 'legacy';
  const body = req.body as { method?: unknown; params?: { _meta?: Record<string, unknown> } };
  if (body?.method === 'initialize') return 'legacy';
  if (body?.params?._meta?.[META.protocolVersion] !== undefined) return 'modern';
  // A client inside a legacy session may send the new headers too (newer SDKs add Mcp-Method to
  // every POST); without modern `_meta` the session decides.
  if (req.headers['mcp-session-id'] !== undefined) return 'legacy';
  if (req.headers['mcp-method'] !== undefined) return 'modern';
  const version = req.headers['mcp-protocol-version'];
  if (typeof version === 'string' && !LEGACY_VERSIONS.includes(version)) return 'modern';
  return 'legacy';
}
