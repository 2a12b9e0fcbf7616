import type { JSONRPCResponse, RequestId } from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_NAMES, type ClientId } from '../../shared/clients';
import { ERROR_MESSAGES } from '../../shared/errors';

/** The error codes JSON-RPC 2.0 itself defines, for messages the bridge cannot read. */
export const JSONRPC_ERROR_CODES = {
  parseError: -32700,
  invalidRequest: -32600,
  internalError: -32603,
} as const;

/** JSON-RPC error codes of the answers the bridge gives itself (server-defined range). */
export const BRIDGE_ERROR_CODES = {
  /** As the SDK's ErrorCode.ConnectionClosed: Splattr could not be reached or failed. */
  unreachable: -32000,
  /** As the SDK's ErrorCode.RequestTimeout. */
  timeout: -32001,
  needsSignIn: -32003,
} as const;

/** Per message, each way; larger ones are refused with an error, never held in memory. */
export const DEFAULT_MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

/**
 * The `_meta` key of an answer the bridge gave from its saved copy while the connection needs a
 * sign-in; its value is the sign-in sentence. The app's Test reads it: a tool list from the copy
 * proves the bridge starts, not that Splattr accepts the connection.
 */
export const SIGN_IN_NEEDED_META = 'app.splattr/signInNeeded';

/** How Splattr reports, inside a tool result, a token it no longer accepts. */
export const TOOL_AUTH_ERROR_TEXT = 'No authenticated user in context';

/** MCP's error response: without an `id` when the message it answers had none readable. */
export interface JsonRpcError {
  jsonrpc: '2.0';
  id?: RequestId;
  error: { code: number; message: string };
}

/** What the person reads in their AI client when the connection needs a new sign-in. */
export function signInSentence(client: ClientId): string {
  return ERROR_MESSAGES.needs_sign_in.replace(/\.$/, ` on ${CLIENT_NAMES[client]}.`);
}

export function errorResponse(
  id: RequestId | undefined,
  code: number,
  message: string,
): JsonRpcError {
  return id === undefined
    ? { jsonrpc: '2.0', error: { code, message } }
    : { jsonrpc: '2.0', id, error: { code, message } };
}

/** A tool error result: the AI client shows its text to the person (an error may be hidden). */
export function toolErrorResult(id: RequestId, text: string) {
  return {
    jsonrpc: '2.0' as const,
    id,
    result: { content: [{ type: 'text', text }], isError: true },
  };
}

export function isToolAuthError(response: JSONRPCResponse): boolean {
  if (!('result' in response) || response.result.isError !== true) return false;
  const content = response.result.content;
  return (
    Array.isArray(content) &&
    content.some(
      (c: { type?: unknown; text?: unknown }) =>
        c?.type === 'text' && typeof c.text === 'string' && c.text.includes(TOOL_AUTH_ERROR_TEXT),
    )
  );
}

/** The token a request asks its progress to be reported under. */
export function progressTokenOf(params: { _meta?: unknown } | undefined): RequestId | undefined {
  return asRequestId((params?._meta as { progressToken?: unknown } | undefined)?.progressToken);
}

export function asRequestId(value: unknown): RequestId | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}
