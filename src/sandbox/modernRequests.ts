import type { Request } from 'express';
import * as z from 'zod';
import { META, MODERN_VERSIONS } from './mcpEra';

/** Error codes the 2026-07-28 schema defines (schema.ts: HEADER_MISMATCH and its neighbours). */
export const MODERN_ERROR = {
  headerMismatch: -32020,
  missingRequiredClientCapability: -32021,
  unsupportedProtocolVersion: -32022,
} as const;

export type RequestId = string | number;

export interface RpcFailure {
  status: number;
  body: {
    jsonrpc: '2.0';
    id?: RequestId;
    error: { code: number; message: string; data?: unknown };
  };
}

export function rpcFailure(
  status: number,
  id: RequestId | undefined,
  code: number,
  message: string,
  data?: unknown,
): RpcFailure {
  const error = data === undefined ? { code, message } : { code, message, data };
  return { status, body: { jsonrpc: '2.0', ...(id === undefined ? {} : { id }), error } };
}

const requestIdSchema = z.union([z.string(), z.number().int()]);

const messageSchema = z.object({
  jsonrpc: z.literal('2.0'),
  id: requestIdSchema.optional(),
  method: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
});

const metaSchema = z.looseObject({
  [META.protocolVersion]: z.string().min(1),
  [META.clientCapabilities]: z.record(z.string(), z.unknown()),
});

export interface ModernRequest {
  id: RequestId;
  method: string;
  params: Record<string, unknown>;
  protocolVersion: string;
  clientCapabilities: Record<string, unknown>;
}

export type ModernMessage =
  { kind: 'request'; request: ModernRequest } | { kind: 'notification'; method: string };

/** Methods whose `Mcp-Name` header mirrors `params.name` or `params.uri` (Standard Request Headers). */
const NAMED_METHODS: Record<string, 'name' | 'uri'> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
};

const BASE64_SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;

/** A header value after the transport's Base64 sentinel encoding is undone (Value Encoding). */
function decodeHeaderValue(value: string): string {
  const encoded = BASE64_SENTINEL.exec(value);
  return encoded ? Buffer.from(encoded[1]!, 'base64').toString('utf8') : value;
}

function headerOf(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Checks a POST the way 2026-07-28 Streamable HTTP's "Server Validation" and basic/index.mdx's
 * per-request fields say, in the order that lets each kind of client learn the most: a legacy
 * `initialize` hears which versions this server speaks, a request without the required headers
 * gets HeaderMismatch, a request without the required `_meta` gets Invalid params, and a version
 * the server does not speak gets UnsupportedProtocolVersion with the versions it does.
 */
export function readModernRequest(
  req: Request,
  supported: readonly string[],
): ModernMessage | RpcFailure {
  const parsed = messageSchema.safeParse(req.body);
  if (!parsed.success) {
    return rpcFailure(
      400,
      undefined,
      -32600,
      'Invalid Request: the body must be one JSON-RPC request or notification.',
    );
  }
  const { id, method, params = {} } = parsed.data;
  if (id === undefined) return { kind: 'notification', method };

  const meta = (params._meta ?? {}) as Record<string, unknown>;
  if (method === 'initialize') {
    const requested = (params as { protocolVersion?: unknown }).protocolVersion;
    // Only a modern-only server gets here (dual sends initialize to its legacy side). Legacy
    // clients cannot fall forward, so this sentence may be all a person sees (versioning.mdx).
    return unsupportedVersion(
      id,
      typeof requested === 'string' ? requested : 'none',
      supported,
      ' (2026-07-28 has no initialize: update the app, or connect through Splattr Companion)',
    );
  }

  const headerVersion = headerOf(req, 'mcp-protocol-version');
  if (headerVersion === undefined) {
    return headerMismatch(id, 'the MCP-Protocol-Version header is required');
  }
  const headerMethod = headerOf(req, 'mcp-method');
  if (headerMethod === undefined) return headerMismatch(id, 'the Mcp-Method header is required');
  if (headerMethod !== method) {
    return headerMismatch(
      id,
      `Mcp-Method header value '${headerMethod}' does not match body value '${method}'`,
    );
  }
  const nameField = NAMED_METHODS[method];
  if (nameField) {
    const headerName = headerOf(req, 'mcp-name');
    const bodyName = params[nameField];
    if (headerName === undefined) {
      return headerMismatch(id, `the Mcp-Name header is required for ${method}`);
    }
    if (decodeHeaderValue(headerName) !== bodyName) {
      return headerMismatch(
        id,
        `Mcp-Name header value '${headerName}' does not match body value '${String(bodyName)}'`,
      );
    }
  }

  const fields = metaSchema.safeParse(meta);
  if (!fields.success) {
    return rpcFailure(
      400,
      id,
      -32602,
      `Invalid params: every request's _meta must carry ${META.protocolVersion} and ${META.clientCapabilities}.`,
    );
  }
  const protocolVersion = fields.data[META.protocolVersion];
  if (headerVersion !== protocolVersion) {
    return headerMismatch(
      id,
      `MCP-Protocol-Version header value '${headerVersion}' does not match body value '${protocolVersion}'`,
    );
  }
  if (!(MODERN_VERSIONS as readonly string[]).includes(protocolVersion)) {
    return unsupportedVersion(id, protocolVersion, supported);
  }
  return {
    kind: 'request',
    request: {
      id,
      method,
      params,
      protocolVersion,
      clientCapabilities: fields.data[META.clientCapabilities],
    },
  };
}

function headerMismatch(id: RequestId, detail: string): RpcFailure {
  return rpcFailure(400, id, MODERN_ERROR.headerMismatch, `Header mismatch: ${detail}.`);
}

function unsupportedVersion(
  id: RequestId,
  requested: string,
  supported: readonly string[],
  hint = '',
): RpcFailure {
  return rpcFailure(
    400,
    id,
    MODERN_ERROR.unsupportedProtocolVersion,
    `Unsupported protocol version ${requested}: this server speaks ${supported.join(', ')}${hint}.`,
    { supported: [...supported], requested },
  );
}
