import { isUtf8 } from 'node:buffer';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import * as z from 'zod/mini';
import { errorResponse, JSONRPC_ERROR_CODES, type JsonRpcError } from './messages';

/** One message from the AI client: its bytes as they came, and what the relay routes on. */
export interface ClientMessage {
  bytes: Buffer;
  kind: 'request' | 'notification' | 'response';
  /** Set for requests and responses. */
  id?: RequestId;
  /** Set for requests and notifications. */
  method?: string;
  /** The message, decoded: a client's messages are small, and the relay reads their params. */
  body: Envelope;
}

export type ClientRead =
  | { ok: true; message: ClientMessage }
  /** `answer`: the JSON-RPC error the client gets; none for what needs no answer. */
  | { ok: false; reason: string; answer?: JsonRpcError };

const RequestIdSchema = z.union([z.string(), z.int()]);

/**
 * The JSON-RPC 2.0 envelope, checked here rather than with the MCP SDK's message schemas:
 * those would load the SDK's whole zod schema module into every bridge at start-up, and the
 * server validates the params of what it receives anyway.
 */
const EnvelopeSchema = z.looseObject({
  jsonrpc: z.literal('2.0'),
  id: z.optional(RequestIdSchema),
  method: z.optional(z.string()),
  params: z.optional(z.record(z.string(), z.unknown())),
});
export type Envelope = z.infer<typeof EnvelopeSchema>;

/**
 * Reads one line from the client. What is not a JSON-RPC message gets the error the JSON-RPC
 * 2.0 specification names (parse error, invalid request), with the id when one can be read
 * (MCP's schema leaves it out otherwise, where JSON-RPC 2.0 would write null); a blank line is
 * skipped.
 */
export function readClientMessage(line: Buffer): ClientRead {
  if (line.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d)) {
    return { ok: false, reason: 'blank line' };
  }
  if (!isUtf8(line)) {
    return refuse('invalid UTF-8', undefined, JSONRPC_ERROR_CODES.parseError, NOT_UTF8);
  }
  let value: unknown;
  try {
    value = JSON.parse(line.toString('utf8'));
  } catch {
    return refuse('not JSON', undefined, JSONRPC_ERROR_CODES.parseError, NOT_JSON);
  }
  if (Array.isArray(value)) {
    return refuse('batch', undefined, JSONRPC_ERROR_CODES.invalidRequest, NO_BATCHES);
  }
  const parsed = EnvelopeSchema.safeParse(value);
  const id = RequestIdSchema.safeParse((value as { id?: unknown } | null)?.id).data;
  if (!parsed.success) {
    return refuse('not JSON-RPC', id, JSONRPC_ERROR_CODES.invalidRequest, NOT_JSONRPC);
  }
  const body = parsed.data;
  if (body.method !== undefined) {
    const kind = body.id === undefined ? 'notification' : 'request';
    return { ok: true, message: { bytes: line, kind, id: body.id, method: body.method, body } };
  }
  if (body.id !== undefined && ('result' in body || 'error' in body)) {
    return { ok: true, message: { bytes: line, kind: 'response', id: body.id, body } };
  }
  return refuse(
    'neither request nor response',
    id,
    JSONRPC_ERROR_CODES.invalidRequest,
    NOT_JSONRPC,
  );
}

const NOT_UTF8 = 'Parse error: the message is not valid UTF-8 text.';
const NOT_JSON = 'Parse error: the message is not valid JSON.';
const NO_BATCHES =
  'Invalid request: JSON-RPC batches are not part of MCP; send one message per line.';
const NOT_JSONRPC =
  'Invalid request: a JSON-RPC 2.0 message needs "jsonrpc": "2.0" and a method, or an id with a result or an error.';

function refuse(
  reason: string,
  id: RequestId | undefined,
  code: number,
  message: string,
): ClientRead {
  return { ok: false, reason, answer: errorResponse(id, code, message) };
}
