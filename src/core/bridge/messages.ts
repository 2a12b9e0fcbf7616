import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResponse,
  JSONRPCResultResponse,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import { CLIENT_NAMES, type ClientId } from '../../shared/clients';
import { ERROR_MESSAGES } from '../../shared/errors';

// Shape checks on the hot path: both transports already validated every message with the SDK's
// zod schemas, so a second zod pass (the SDK's isJSONRPC* helpers) would only cost time.
export const isRequest = (m: JSONRPCMessage): m is JSONRPCRequest => 'method' in m && 'id' in m;
export const isNotification = (m: JSONRPCMessage): m is JSONRPCNotification =>
  'method' in m && !('id' in m);
export const isResponse = (m: JSONRPCMessage): m is JSONRPCResponse =>
  'result' in m || 'error' in m;

/** JSON-RPC error codes of the answers the bridge gives itself (server-defined range). */
export const BRIDGE_ERROR_CODES = {
  /** As the SDK's ErrorCode.ConnectionClosed: Splattr could not be reached or failed. */
  unreachable: -32000,
  /** As the SDK's ErrorCode.RequestTimeout. */
  timeout: -32001,
  needsSignIn: -32003,
} as const;

/** How Splattr reports, inside a tool result, a token it no longer accepts. */
export const TOOL_AUTH_ERROR_TEXT = 'No authenticated user in context';

/** What the person reads in their AI client when the connection needs a new sign-in. */
export function signInSentence(client: ClientId): string {
  return ERROR_MESSAGES.needs_sign_in.replace(/\.$/, ` on ${CLIENT_NAMES[client]}.`);
}

export function errorResponse(id: RequestId, code: number, message: string): JSONRPCErrorResponse {
  return { jsonrpc: '2.0', id, error: { code, message } };
}

/** A tool error result: the AI client shows its text to the person (an error may be hidden). */
export function toolErrorResult(id: RequestId, text: string): JSONRPCResultResponse {
  return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text }], isError: true } };
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

export function progressTokenOf(request: JSONRPCRequest): string | number | undefined {
  const meta = request.params?._meta as { progressToken?: unknown } | undefined;
  const token = meta?.progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}
